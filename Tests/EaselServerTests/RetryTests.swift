import AsyncHTTPClient
import DynamicJSON
import EaselProtocol
import EaselServer
import EaselTesting
import Foundation
import NIOCore
import SDNextEmulator
import Testing

/// Retries and deadlines on a running hub: a transient failure goes back to the queue with a `retrying` update and
/// lands on another backend; a permanent one, an exhausted job and a job past its deadline fail.
@Suite(.timeLimit(.minutes(2))) struct RetryTests {
    private static let small = #""steps": 3, "width": 64, "height": 64"#

    private func faults(_ change: (inout FaultSettings) -> Void) -> FaultSettings {
        var faults = FaultSettings()
        change(&faults)
        return faults
    }

    private static func twoSecondBackoff(_ configuration: inout EaselConfiguration) {
        configuration.worker.retryBackoff.base = .seconds(2)
        configuration.worker.retryBackoff.cap = .seconds(2)
    }

    private func delivery(_ hub: TestHub, _ id: String) async throws -> JSONValue? {
        try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]
    }

    @Test func aJobWhoseBackendFailsWithA5xxCompletesOnAnother() async throws {
        try await withEmulators(count: 2) { emulators in
            // A backoff long enough to let the second backend back in before the retry is due.
            try await withHub(backends: emulators.map(\.baseURL), configure: Self.twoSecondBackoff) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    await emulators[0].controls.setFaults(faults { $0.serverError = true })
                    // Only the failing backend takes the first attempt.
                    #expect(try await hub.request(.POST, "/api/v1/generation/backends/1/drain").status == 200)
                    let id = try await hub.queue(#"{"prompt": "fails once", \#(Self.small)}"#)
                    var retrying: JSONValue?
                    while retrying == nil {
                        let update = try await socket.next("progress_update", job: id)
                        if update["data"]?["status"]?.string == "retrying" { retrying = update["data"] }
                    }
                    // Held while the waiting job is looked at; the queue's pause keeps the failing backend from it too.
                    #expect(try await hub.request(.POST, "/api/v1/generation/queue/pause").status == 200)
                    #expect(try await hub.request(.POST, "/api/v1/generation/backends/1/resume").status == 200)
                    #expect(retrying?["attempt"] == .number(1) && retrying?["max_attempts"] == .number(3))
                    #expect(retrying?["error_code"]?.string == "sdnext_error")
                    #expect(retrying?["error_message"]?.string?.contains("CUDA out of memory") == true)
                    #expect(retrying?["retry_at"]?.string != nil)
                    let waitsFor = try #require(retrying?["retry_in_seconds"]?.double)
                    // The first backoff is 2 s with jitter; a place-in-line update seen first says what is left of it.
                    #expect(waitsFor > 0 && waitsFor <= 2)
                    let queued = try await delivery(hub, id)
                    #expect(queued?["status"]?.string == "queued" && queued?["retry_at"]?.string != nil)
                    #expect(queued?["failed_backends"] == .array([.string(emulators[0].baseURL)]))
                    #expect(try await hub.request(.POST, "/api/v1/generation/queue/resume").status == 200)

                    let rest = try await socket.lifecycle(of: id)
                    #expect(rest.last?["data"]?["status"]?.string == "completed")
                    let done = try await delivery(hub, id)
                    #expect(done?["backend_url"]?.string == emulators[1].baseURL)
                    #expect(done?["attempts"] == .number(2))
                    let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
                    #expect(metrics.contains(#"easel_job_retries_total{error_code="sdnext_error"} 1"#), "\(metrics)")
                }
            }
        }
    }

    @Test func aRestartKeepsTheAttemptsAndTheBackoff() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-retry-\(UUID().uuidString)")
        let backoff = { (configuration: inout EaselConfiguration) in
            configuration.worker.retryBackoff.base = .seconds(3)
            configuration.worker.retryBackoff.cap = .seconds(3)
            configuration.worker.retryBackoff.jitter = 0
        }
        let (id, retryAt) = try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(faults { $0.serverError = true })
            return try await withHub(backends: emulators.map(\.baseURL), dataDirectory: folder, configure: backoff) { hub in
                try await withSocket(hub) { socket in try await socket.subscribeToAll() }
                let id = try await hub.queue(#"{"prompt": "fails, then the server stops", \#(Self.small)}"#)
                try await waitUntil("the job waits for its retry", within: 20) { try await delivery(hub, id)?["retry_at"]?.string != nil }
                // Paused (in the store, so across the restart too) and held: nothing claims the job until resumed, so
                // what the store holds at the stop is what is read here.
                _ = try await hub.request(.POST, "/api/v1/generation/queue/pause")
                try await waitUntil("the backend held by the pause") {
                    try await hub.request(.GET, "/api/v1/generation/queue").body["backends"]?.array?
                        .allSatisfy { $0["held_by"] == .string("queue_paused") } == true
                }
                let waiting = try await delivery(hub, id)
                #expect(waiting?["attempts"] == .number(1))
                let retryAt = try #require(waiting?["retry_at"]?.string.flatMap(WireTimestamp.date(from:)))
                return (id, retryAt)
            }
        }
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), dataDirectory: folder, configure: backoff) { hub in
                let waiting = try await delivery(hub, id)
                #expect(waiting?["status"]?.string == "queued" && waiting?["attempts"] == .number(1))
                #expect(waiting?["retry_at"]?.string.flatMap(WireTimestamp.date(from:)) == retryAt)
                _ = try await hub.request(.POST, "/api/v1/generation/queue/resume")
                try await waitUntil("the job runs after its backoff", within: 20) {
                    try await delivery(hub, id)?["status"]?.string == "completed"
                }
                let done = try await delivery(hub, id)
                #expect(done?["attempts"] == .number(2))
                let started = try #require(done?["started_at"]?.string.flatMap(WireTimestamp.date(from:)))
                #expect(started >= retryAt, "not claimed before its not-before")
            }
        }
    }

    @Test func aGatewayCallWaitsThroughARetry() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: Self.twoSecondBackoff) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    await emulators[0].controls.setFaults(faults { $0.emptyImages = true })
                    async let answer = hub.request(.POST, "/sdapi/v1/txt2img", json: #"{"prompt": "second time lucky", \#(Self.small)}"#)
                    while try await socket.next("progress_update")["data"]?["status"]?.string != "retrying" {}
                    // The retry is due in a second or two: by then the backend answers with images.
                    await emulators[0].controls.setFaults(FaultSettings())
                    let (status, body) = try await answer
                    #expect(status == 200, "\(body)")
                    #expect(body["images"]?.array?.count == 1)
                }
            }
        }
    }

    @Test func aRefusedRequestFailsAtOnceWithoutARetry() async throws {
        try await withEmulators(count: 2) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    // SD.Next answers 422 for an always-on script it does not have (modules/api/script.py).
                    let id = try await hub.queue(
                        #"{"prompt": "no such script", "alwayson_scripts": {"No Such Script": {"args": []}}, \#(Self.small)}"#)
                    let events = try await socket.lifecycle(of: id)
                    #expect(!events.contains { $0["data"]?["status"]?.string == "retrying" })
                    #expect(events.last?["data"]?["status"]?.string == "failed")
                    #expect(events.last?["data"]?["error_code"]?.string == "invalid_request")
                    #expect(try await delivery(hub, id)?["attempts"] == .number(1))
                }
            }
        }
    }

    @Test func aJobOutOfAttemptsFailsWithTheLastErrorCode() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.worker.maxAttempts = 2 }) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    await emulators[0].controls.setFaults(faults { $0.emptyImages = true })
                    let id = try await hub.queue(#"{"prompt": "never works", \#(Self.small)}"#)
                    let events = try await socket.lifecycle(of: id)
                    let retries = events.filter { $0["data"]?["status"]?.string == "retrying" }
                    // One retry; a place-in-line update while it waits repeats its notice.
                    #expect(!retries.isEmpty && retries.allSatisfy { $0["data"]?["attempt"] == .number(1) })
                    #expect(retries.first?["data"]?["max_attempts"] == .number(2))
                    #expect(events.last?["data"]?["status"]?.string == "failed")
                    #expect(events.last?["data"]?["error_code"]?.string == "no_images")
                    let failed = try await delivery(hub, id)
                    #expect(failed?["attempts"] == .number(2) && failed?["error_code"]?.string == "no_images")
                    #expect(failed?["retry_at"]?.isNull == true)
                }
            }
        }
    }

    @Test func aJobPastItsTimeoutIsInterruptedAndFailsWithTimeout() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    // A generation that never ends unless interrupted.
                    await emulators[0].controls.setFaults(faults { $0.hang = true })
                    let id = try await hub.queue(#"{"prompt": "too slow", "timeout_seconds": 0.5, \#(Self.small)}"#)
                    let events = try await socket.lifecycle(of: id)
                    #expect(!events.contains { $0["data"]?["status"]?.string == "retrying" }, "its own deadline is not retried")
                    #expect(events.last?["data"]?["status"]?.string == "failed")
                    #expect(events.last?["data"]?["error_code"]?.string == "timeout")
                    let failed = try await delivery(hub, id)
                    #expect(failed?["timeout_seconds"] == .number(0.5) && failed?["attempts"] == .number(1))
                    // The hang is still on, and only an interrupt ends it: the backend is idle again, so it was interrupted.
                    let response = try await HTTPClient.shared.execute(
                        HTTPClientRequest(url: emulators[0].baseURL + "/sdapi/v1/progress"), timeout: .seconds(10))
                    let progress = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
                    #expect(progress["state"]?["job"]?.string == "", "\(progress)")
                }
            }
        }
    }

    @Test func theServerDefaultTimeoutAppliesToJobsThatNameNone() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.worker.jobTimeout = .milliseconds(500) }) { hub in
                await emulators[0].controls.setFaults(faults { $0.hang = true })
                let id = try await hub.queue(#"{"prompt": "too slow", \#(Self.small)}"#)
                try await waitUntil("the job fails", within: 20) { try await delivery(hub, id)?["status"]?.string == "failed" }
                #expect(try await delivery(hub, id)?["error_code"]?.string == "timeout")
            }
        }
    }

    @Test func aBadTimeoutIsA422NamingTheField() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                for value in ["0", "-3", "86401", #""ten""#, "true", "[1]"] {
                    let (status, body) = try await hub.request(
                        .POST, "/api/v1/generation/queue-generation", json: #"{"prompt": "x", "timeout_seconds": \#(value)}"#)
                    #expect(status == 422, "\(value)")
                    #expect("\(body)".contains("timeout_seconds"), "\(value): \(body)")
                }
                #expect(try await hub.request(.GET, "/api/v1/generation/queue").body["counts"]?["queued"] == .number(0), "none stored")
                let accepted = try await hub.queue(#"{"prompt": "x", "timeout_seconds": 86400, \#(Self.small)}"#)
                #expect(try await delivery(hub, accepted)?["timeout_seconds"] == .number(86_400))
            }
        }
    }
}
