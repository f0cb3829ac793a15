import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// Pausing the queue and draining a backend: held loops claim nothing until they are resumed.
@Suite(.timeLimit(.minutes(1))) struct QueueControlTests {
    @Test func aPausedQueueHoldsNewJobsUntilResumed() async throws {
        try await withEmulators(count: 2) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let (status, paused) = try await hub.request(.POST, "/api/v1/generation/queue/pause")
                #expect(status == 200 && paused["paused"] == .bool(true))
                let id = try await hub.queue(#"{"prompt": "held", "steps": 2, "width": 64, "height": 64}"#)
                // Both loops have looked since the pause and were held by it: the job is still queued.
                try await waitUntil("both backends held by the pause") {
                    try await hub.request(.GET, "/api/v1/generation/queue").body["backends"]?.array?
                        .allSatisfy { $0["held_by"] == .string("queue_paused") } == true
                }
                #expect(try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "queued")
                #expect(try await hub.request(.GET, "/api/v1/generation/queue").body["counts"]?["queued"] == .number(1))

                let (_, resumed) = try await hub.request(.POST, "/api/v1/generation/queue/resume")
                #expect(resumed["paused"] == .bool(false))
                try await waitUntil("the job runs once resumed", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "completed"
                }
            }
        }
    }

    @Test func aDrainedBackendTakesNoNewJob() async throws {
        try await withEmulators(count: 2) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let (status, drained) = try await hub.request(.POST, "/api/v1/generation/backends/0/drain")
                #expect(status == 200 && drained["backends"]?.array?.first?["draining"] == .bool(true))
                var ids: [String] = []
                for index in 0..<3 {
                    ids.append(try await hub.queue(#"{"prompt": "job \#(index)", "steps": 2, "width": 64, "height": 64}"#))
                }
                for id in ids {
                    try await waitUntil("job \(id) completes", within: 20) {
                        try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "completed"
                    }
                    let backend = try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["backend_url"]
                    #expect(backend == .string(emulators[1].baseURL))
                }
                #expect(try await hub.request(.POST, "/api/v1/generation/backends/0/resume").body["backends"]?.array?
                    .first?["draining"] == .bool(false))
                #expect(try await hub.request(.POST, "/api/v1/generation/backends/7/drain").status == 404)
            }
        }
    }
}
