import EaselTesting
import Foundation
import Testing

/// The origin-compatible REST routes over a real server.
@Suite(.timeLimit(.minutes(2))) struct RESTTests {
    @Test func resultsCanBeListedDownloadedAndDeleted() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                #expect(try await hub.request(.GET, "/health").body["status"]?.string == "ok")
                let page = try await hub.raw(.GET, "/")
                #expect(page.status == 200 && String(decoding: page.data, as: UTF8.self).contains("<html"))

                let (status, result) = try await hub.request(
                    .POST, "/v1/generation/generate", json: #"{"prompt":"a lighthouse","steps":3,"width":64,"height":96}"#)
                #expect(status == 200 && result["status"]?.string == "completed")
                let job = try #require(result["job_id"]?.string)

                let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]
                #expect(delivery?["status"]?.string == "completed")
                #expect(delivery?["params"]?["generation_params"]?["height"]?.int == 96)
                #expect(delivery?["result"]?["images"]?.array?.count == 1)

                let results = try await hub.request(.GET, "/api/v1/generation/results?limit=5").body.array ?? []
                #expect(results.first?["id"]?.string == job)
                #expect(results.first?["width"]?.int == 64)
                let older = try await hub.request(.GET, "/api/v1/generation/results?before=\(job)")
                #expect(older.status == 200 && older.body.array?.isEmpty == true)
                let badCursor = try await hub.request(.GET, "/api/v1/generation/results?before=no-such-job")
                #expect(badCursor.status == 422 && badCursor.body["field"]?.string == "before")

                let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
                #expect(metrics.contains(#"easel_jobs_finished_total{status="completed"} 1"#))
                #expect(metrics.contains("easel_jobs_submitted_total 1"))
                #expect(metrics.contains("easel_queue_depth 0"))
                #expect(metrics.contains(#"easel_backend_healthy{backend="\#(emulators[0].baseURL)"} 1"#))

                let download = try await hub.raw(.GET, "/api/v1/generation/results/\(job)/download")
                #expect(download.status == 200 && Array(download.data.prefix(2)) == [0xFF, 0xD8])

                #expect(try await hub.request(.DELETE, "/api/v1/generation/results/\(job)").status == 204)
                #expect(try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").status == 404)
                #expect(try await hub.raw(.GET, "/api/v1/generation/results/\(job)/images/0").status == 404)
                let imageFolder = hub.dataDirectory.appendingPathComponent("images/\(job)")
                #expect(!FileManager.default.fileExists(atPath: imageFolder.path))
            }
        }
    }

    @Test func activeJobsShowLiveProgressAndPriorityOrder() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 20) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let running = try await hub.queue(#"{"prompt":"long","steps":60,"width":64,"height":64}"#)
                    while true {
                        let update = try await socket.next("progress_update", job: running)
                        if (update["data"]?["current_step"]?.int ?? 0) > 0 { break }
                    }
                    // The backend is busy now, so these two wait and then run by priority.
                    let low = try await hub.queue(#"{"prompt":"low","steps":2,"width":64,"height":64}"#)
                    let high = try await hub.queue(#"{"prompt":"high","steps":2,"width":64,"height":64}"#, query: "?priority=10")
                    let active = try await hub.request(.GET, "/api/v1/generation/jobs/active").body.array ?? []
                    let entry = active.first { $0["id"]?.string == running }
                    #expect(entry?["status"]?.string == "processing")
                    #expect((entry?["progress"]?.double ?? 0) > 0)
                    #expect(entry?["total_steps"]?.int == 60)
                    // Higher priority runs first once the backend frees.
                    let completions = try await [socket.next("generation_complete"), socket.next("generation_complete"),
                                                 socket.next("generation_complete")].compactMap { $0["data"]?["job_id"]?.string }
                    #expect(completions == [running, high, low])
                }
            }
        }
    }
}
