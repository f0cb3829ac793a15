import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// Jobs waiting when the server stops run after it starts again on the same data folder.
@Suite(.timeLimit(.minutes(2))) struct RestartTests {
    @Test func pendingJobsSurviveARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-restart-\(UUID().uuidString)")
        var hanging = FaultSettings()
        hanging.hang = true
        let jobs = try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(hanging)
            return try await withHub(backends: emulators.map(\.baseURL), dataDirectory: folder) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let first = try await hub.queue(#"{"prompt":"one","steps":5,"width":64,"height":64}"#)
                    while try await socket.next("progress_update", job: first)["data"]?["status"]?.string != "processing" {}
                }
                var ids: [String] = []
                for prompt in ["two", "three"] {
                    ids.append(try await hub.queue(#"{"prompt":"\#(prompt)","steps":5,"width":64,"height":64}"#))
                }
                let active = try await hub.request(.GET, "/api/v1/generation/jobs/active").body.array ?? []
                #expect(active.count == 3)
                return active.compactMap { $0["id"]?.string }
            }
        }
        #expect(jobs.count == 3)
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), dataDirectory: folder) { hub in
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"subscribe","job_ids":[\#(jobs.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
                    _ = try await socket.next("subscription_confirmed")
                    var finished: Set<String> = []
                    while finished.count < jobs.count {
                        let complete = try await socket.next("generation_complete")
                        #expect(complete["data"]?["status"]?.string == "completed")
                        if let job = complete["data"]?["job_id"]?.string { finished.insert(job) }
                    }
                    #expect(finished == Set(jobs))
                }
            }
        }
    }
}
