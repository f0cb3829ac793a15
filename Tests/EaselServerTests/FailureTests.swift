import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// SD.Next errors end a job as `failed` with SD.Next's message; cancel works for queued and running jobs.
@Suite(.timeLimit(.minutes(2))) struct FailureTests {
    private func faults(_ change: (inout FaultSettings) -> Void) -> FaultSettings {
        var faults = FaultSettings()
        change(&faults)
        return faults
    }

    @Test func backendErrorsFailTheJobWithSDNextsMessage() async throws {
        try await withEmulators(count: 1) { emulators in
            // One attempt per job (RetryTests covers the retries of these failures).
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.worker.maxAttempts = 1 }) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()

                    await emulators[0].controls.setFaults(faults { $0.serverError = true })
                    let crashed = try await hub.queue(#"{"prompt":"boom","steps":3,"width":64,"height":64}"#)
                    let crash = try await socket.lifecycle(of: crashed)
                    #expect(crash.last?["data"]?["status"]?.string == "failed")
                    #expect(crash.last?["data"]?["error_message"]?.string?.contains("CUDA out of memory") == true)
                    #expect(crash.last?["data"]?["error_code"]?.string == "sdnext_error")
                    let lastProgress = crash.dropLast().last?["data"]
                    #expect(lastProgress?["status"]?.string == "failed")

                    await emulators[0].controls.setFaults(faults { $0.emptyImages = true })
                    let empty = try await hub.queue(#"{"prompt":"nothing","steps":3,"width":64,"height":64}"#)
                    let emptyComplete = try await socket.next("generation_complete", job: empty)
                    #expect(emptyComplete["data"]?["status"]?.string == "failed")
                    #expect(emptyComplete["data"]?["images"]?.isNull == true)
                    #expect(emptyComplete["data"]?["error_message"]?.string?.isEmpty == false)
                    #expect(emptyComplete["data"]?["error_code"]?.string == "no_images")

                    let job = try await hub.request(.GET, "/api/v1/generation/jobs/\(crashed)").body
                    #expect(job["delivery"]?["status"]?.string == "failed")
                    #expect(job["delivery"]?["error_code"]?.string == "sdnext_error")
                    #expect(job["delivery"]?["result"]?["error_code"]?.string == "sdnext_error")
                    let emptyJob = try await hub.request(.GET, "/api/v1/generation/jobs/\(empty)").body
                    #expect(emptyJob["delivery"]?["error_code"]?.string == "no_images")
                }
            }
        }
    }

    @Test func cancellingQueuedAndRunningJobs() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    await emulators[0].controls.setFaults(faults { $0.hang = true })
                    let running = try await hub.queue(#"{"prompt":"stuck","steps":20,"width":64,"height":64}"#)
                    let waiting = try await hub.queue(#"{"prompt":"next","steps":3,"width":64,"height":64}"#)
                    // Wait until the first job holds the backend.
                    while true {
                        let update = try await socket.next("progress_update", job: running)
                        if update["data"]?["status"]?.string == "processing" { break }
                    }

                    let cancelWaiting = try await hub.request(.POST, "/api/v1/generation/jobs/\(waiting)/cancel")
                    #expect(cancelWaiting.status == 200 && cancelWaiting.body["success"] == .bool(true))
                    let waitingEnd = try await socket.next("generation_complete", job: waiting)
                    #expect(waitingEnd["data"]?["status"]?.string == "cancelled")
                    #expect(waitingEnd["data"]?["error_code"]?.string == "cancelled")

                    let cancelRunning = try await hub.request(.POST, "/v1/generation/jobs/\(running)/cancel")
                    #expect(cancelRunning.status == 200)
                    let runningEnd = try await socket.next("generation_complete", job: running)
                    #expect(runningEnd["data"]?["status"]?.string == "cancelled")
                    #expect(runningEnd["data"]?["error_code"]?.string == "cancelled")
                    let cancelled = try await hub.request(.GET, "/api/v1/generation/jobs/\(running)").body["delivery"]
                    #expect(cancelled?["error_code"]?.string == "cancelled")
                    #expect(cancelled?["cancel_requested_at"]?.string != nil)
                    #expect(try await hub.request(.GET, "/api/v1/generation/jobs/\(waiting)").body["delivery"]?["cancel_requested_at"]?.isNull == true)

                    let again = try await hub.request(.POST, "/api/v1/generation/jobs/\(running)/cancel")
                    #expect(again.status == 400)
                    #expect(again.body["title"]?.string?.contains("cannot be cancelled") == true)
                    let missing = try await hub.request(.POST, "/api/v1/generation/jobs/no-such-job/cancel")
                    #expect(missing.status == 404 && missing.body["title"]?.string == "Job not found")
                }
            }
        }
    }
}
