import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// Batches and the queue's order over REST, watched on the socket.
@Suite(.timeLimit(.minutes(1))) struct BatchTests {
    static let base = #"{"prompt": "a cat", "steps": 2, "width": 64, "height": 64}"#

    @Test func aVariedBatchRunsInTheOrderMovesGaveIt() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                _ = try await hub.request(.POST, "/api/v1/generation/queue/pause")
                let (status, submitted) = try await hub.request(
                    .POST, "/api/v1/generation/batches", json: #"{"base": \#(Self.base), "vary": {"seed": [1, 2], "prompt": ["a", "b"]}}"#)
                #expect(status == 200)
                let batch = try #require(submitted["batch_id"]?.string)
                let jobs = try #require(submitted["job_ids"]?.array?.compactMap { $0.string })
                #expect(jobs.count == 4)
                let (_, view) = try await hub.request(.GET, "/api/v1/generation/batches/\(batch)?limit=3&offset=1")
                #expect(view["total"] == .number(4) && view["counts"]?["queued"] == .number(4))
                #expect(view["job_ids"] == .array(jobs[1...3].map(JSONValue.string)))

                #expect(try await hub.request(.POST, "/api/v1/generation/jobs/\(jobs[3])/move", json: #"{"to": "top"}"#).status == 200)
                #expect(try await hub.request(
                    .POST, "/api/v1/generation/jobs/\(jobs[0])/move", json: #"{"to": {"before": "\#(jobs[2])"}}"#).status == 200)
                let (priorityStatus, raised) = try await hub.request(.PATCH, "/api/v1/generation/jobs/\(jobs[2])", json: #"{"priority": 1}"#)
                #expect(priorityStatus == 200 && raised["priority"] == .number(1))

                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"subscribe","batch_ids":["\#(batch)"]}"#)
                    _ = try await socket.next("subscription_confirmed")
                    _ = try await hub.request(.POST, "/api/v1/generation/queue/resume")
                    let complete = try await socket.next("batch_complete")
                    #expect(complete["data"]?["done"] == .number(4) && complete["data"]?["progress"] == .number(1))
                }
                var started: [(String, String)] = []
                for job in jobs {
                    let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]
                    started.append((job, try #require(delivery?["started_at"]?.string)))
                }
                #expect(started.sorted { $0.1 < $1.1 }.map(\.0) == [jobs[2], jobs[3], jobs[1], jobs[0]])
            }
        }
    }

    @Test func refusalsAreClear4xxNamingTheField() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.maxBatchSize = 2 }) { hub in
                let tooLarge = try await hub.request(
                    .POST, "/api/v1/generation/batches", json: "{\"jobs\": [\(Self.base), \(Self.base), \(Self.base)]}")
                #expect(tooLarge.status == 422 && tooLarge.body["error_code"] == .string("batch_too_large")
                    && tooLarge.body["field"] == .string("jobs"))
                let badJob = try await hub.request(.POST, "/api/v1/generation/batches", json: #"{"jobs": [{"prompt": 5}]}"#)
                #expect(badJob.status == 422 && badJob.body["field"] == .string("jobs.0.prompt"))
                let unknown = try await hub.request(.POST, "/api/v1/generation/jobs/no-such-job/move", json: #"{"to": "top"}"#)
                #expect(unknown.status == 404 && unknown.body["error_code"] == .string("unknown_job"))
                let badPlace = try await hub.request(.POST, "/api/v1/generation/jobs/no-such-job/move", json: #"{"to": "up"}"#)
                #expect(badPlace.status == 422 && badPlace.body["field"] == .string("to"))
                let finished = try await hub.queue(Self.base)
                try await waitUntil("the job ends", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(finished)").body["delivery"]?["status"]?.string == "completed"
                }
                let notQueued = try await hub.request(.PATCH, "/api/v1/generation/jobs/\(finished)", json: #"{"priority": 2}"#)
                #expect(notQueued.status == 409 && notQueued.body["error_code"] == .string("job_not_queued")
                    && notQueued.body["field"] == .string("job_ids"))
                #expect(try await hub.request(.GET, "/api/v1/generation/batches/batch_none").status == 404)
            }
        }
    }
}
