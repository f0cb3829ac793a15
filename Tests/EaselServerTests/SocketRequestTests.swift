import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// Queue requests over a real socket: each reply and each refusal carries the request's `request_id`.
@Suite(.timeLimit(.minutes(1))) struct SocketRequestTests {
    static let body = #"{"prompt": "a cat", "steps": 2, "width": 64, "height": 64}"#

    @Test func aSubmittedJobIsFollowedWithoutASubscribe() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"submit","request_id":"r1","job":\#(Self.body),"priority":3}"#)
                    let reply = try await socket.next("submitted")
                    #expect(reply["data"]?["request_id"] == .string("r1"))
                    let id = try #require(reply["data"]?["job_id"]?.string)
                    let events = try await socket.lifecycle(of: id)
                    #expect(events.first?["type"]?.string == "generation_started")
                    #expect(events.last?["data"]?["status"]?.string == "completed")
                }
            }
        }
    }

    @Test func refusalsNameTheirCodeAndRequest() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.maxBatchSize = 3 }) { hub in
                let finished = try await hub.queue(Self.body)
                try await waitUntil("the job ends", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(finished)").body["delivery"]?["status"]?.string == "completed"
                }
                try await withSocket(hub) { socket in
                    let cases: [(String, String)] = [
                        (#"{"type":"move","request_id":"m1","job_id":"no-such-job","to":"top"}"#, "unknown_job"),
                        (#"{"type":"move","request_id":"m2","job_id":"\#(finished)","to":"bottom"}"#, "job_not_queued"),
                        (#"{"type":"reprioritize","request_id":"p1","job_ids":["\#(finished)"],"priority":5}"#, "job_not_queued"),
                        (#"{"type":"submit_batch","request_id":"b1","base":\#(Self.body),"vary":{"seed":[1,2,3,4]}}"#, "batch_too_large"),
                        (#"{"type":"submit","request_id":"s1","job":{"prompt":"x","steps":"many"}}"#, "invalid_request"),
                        (#"{"type":"cancel","request_id":"c1","batch_id":"batch_none"}"#, "unknown_batch"),
                    ]
                    for (request, code) in cases {
                        try await socket.send(request)
                        let error = try await socket.next("error")
                        let id = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(request.utf8))["request_id"])
                        #expect(error["data"]?["code"]?.string == code, "\(request)")
                        #expect(error["data"]?["request_id"] == id, "\(request)")
                    }
                    try await socket.send(#"{"type":"submit","request_id":"s2","job":{"prompt":"x","steps":"many"}}"#)
                    #expect(try await socket.next("error")["data"]?["message"]?.string?.hasPrefix("job.steps") == true)
                }
            }
        }
    }

    @Test func aRunningJobIsNotMoved() async throws {
        // 100 steps of 100 ms: the job runs for 10 s, long past the move; then it is cancelled.
        try await withEmulators(count: 1, stepMilliseconds: 100) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let running = try await hub.queue(#"{"prompt": "slow", "steps": 100, "width": 64, "height": 64}"#)
                try await waitUntil("the job runs", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(running)").body["delivery"]?["status"]?.string == "processing"
                }
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"move","request_id":"run-1","job_id":"\#(running)","to":"top"}"#)
                    let error = try await socket.next("error")
                    #expect(error["data"]?["code"]?.string == "job_not_queued" && error["data"]?["request_id"] == .string("run-1"))
                    #expect(error["data"]?["message"]?.string?.contains("processing") == true)
                    try await socket.send(#"{"type":"cancel","request_id":"run-2","job_ids":["\#(running)"]}"#)
                    let cancel = try await socket.next("cancel_result")
                    #expect(cancel["data"]?["cancelling"] == .array([.string(running)]))
                }
                let moved = try await hub.request(.POST, "/api/v1/generation/jobs/\(running)/move", json: #"{"to": "bottom"}"#)
                #expect(moved.status == 409 && moved.body["field"] == .string("job_id"))
            }
        }
    }

    @Test func aJobOfAnotherBatchIsNotCancelledWithThisOne() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                _ = try await hub.request(.POST, "/api/v1/generation/queue/pause")
                try await withSocket(hub) { socket in
                    var batches: [(id: String, jobs: [String])] = []
                    for index in 0..<2 {
                        try await socket.send(#"{"type":"submit_batch","request_id":"b\#(index)","jobs":[\#(Self.body)]}"#)
                        let reply = try await socket.next("batch_submitted")
                        batches.append((try #require(reply["data"]?["batch_id"]?.string),
                                        try #require(reply["data"]?["job_ids"]?.array?.compactMap { $0.string })))
                    }
                    try await socket.send(
                        #"{"type":"cancel","request_id":"c","batch_id":"\#(batches[0].id)","job_ids":["\#(batches[1].jobs[0])"]}"#)
                    let error = try await socket.next("error")
                    #expect(error["data"]?["code"]?.string == "job_not_in_batch" && error["data"]?["request_id"] == .string("c"))
                    try await socket.send(#"{"type":"cancel","request_id":"c2","batch_id":"\#(batches[0].id)"}"#)
                    // The reply and the batch's completion come from two tasks: in either order.
                    var seen: [String: JSONValue] = [:]
                    while seen["cancel_result"] == nil || seen["batch_complete"] == nil {
                        let message = try await socket.next()
                        if let type = message["type"]?.string { seen[type] = message }
                    }
                    #expect(seen["cancel_result"]?["data"]?["cancelled"] == .array([.string(batches[0].jobs[0])]))
                    let complete = seen["batch_complete"]?["data"]
                    #expect(complete?["batch_id"]?.string == batches[0].id && complete?["cancelled"] == .number(1))
                }
            }
        }
    }
}
