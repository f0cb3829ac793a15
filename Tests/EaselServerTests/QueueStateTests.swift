import EaselCore
import EaselSQLite
import EaselTesting
import DynamicJSON
import Foundation
import SDNextEmulator
import Testing

/// State that lives in the store, not in one process: cancel requests, the queue's length; and dispatch that costs
/// one claim per job instead of a health check per claim.
@Suite(.timeLimit(.minutes(2))) struct QueueStateTests {
    /// Another process (here: a second connection to the same SQLite file) asks to cancel; the hub running the job
    /// reads the request from the store and interrupts SD.Next.
    @Test func aCancelRecordedInTheStoreByAnotherProcessStopsTheRunningJob() async throws {
        try await withEmulators(count: 1) { emulators in
            var faults = FaultSettings()
            faults.hang = true
            await emulators[0].controls.setFaults(faults)
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let running = try await hub.queue(#"{"prompt":"stuck","steps":20,"width":64,"height":64}"#)
                    while try await socket.next("progress_update", job: running)["data"]?["status"]?.string != "processing" {}

                    let otherProcess = try SQLiteJobStore(path: hub.dataDirectory.appendingPathComponent("easel.sqlite").path)
                    #expect(try await otherProcess.requestCancel(JobID(rawValue: running), at: Date()) != nil)
                    let end = try await socket.next("generation_complete", job: running)
                    #expect(end["data"]?["status"]?.string == "cancelled")
                    #expect(end["data"]?["error_code"]?.string == "cancelled")
                }
            }
        }
    }

    /// The queue-depth gauge is read from the store at each scrape, so it matches the queue whoever changed it.
    @Test func theQueueDepthGaugeIsTheStoresCount() async throws {
        try await withHub(backends: []) { hub in
            for index in 0..<3 { _ = try await hub.queue(#"{"prompt":"waiting \#(index)","steps":3,"width":64,"height":64}"#) }
            let cancelled = try await hub.queue(#"{"prompt":"gone","steps":3,"width":64,"height":64}"#)
            _ = try await hub.request(.POST, "/api/v1/generation/jobs/\(cancelled)/cancel")
            let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
            let depth = metrics.split(separator: "\n").first { $0.hasPrefix("easel_queue_depth") }
            #expect(depth.map { $0.hasSuffix(" 3") || $0.hasSuffix(" 3.0") } == true, "\(depth ?? "no gauge")")
        }
    }

    /// Health is each backend's own business: running jobs back to back sends no health check before each claim.
    @Test func jobsRunWithoutAHealthCheckBeforeEachClaim() async throws {
        try await withEmulators(count: 3) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: {
                $0.worker.healthCheckInterval = .seconds(600)
                $0.worker.recheckAfterSilence = .seconds(600)
            }) { hub in
                // Each backend checks once at start.
                #expect(try await eventually {
                    try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array?
                        .allSatisfy { $0["healthy"] == .bool(true) } == true
                })
                let checkedBefore = try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array?
                    .map { $0["last_checked_at"] }
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    var jobs: [String] = []
                    for index in 0..<6 { jobs.append(try await hub.queue(#"{"prompt":"job \#(index)","steps":2,"width":64,"height":64}"#)) }
                    for (job, events) in try await socket.lifecycles(of: jobs) {
                        #expect(events.last?["data"]?["status"]?.string == "completed", "\(job)")
                    }
                }
                let checkedAfter = try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array?
                    .map { $0["last_checked_at"] }
                #expect(checkedBefore != nil && checkedAfter == checkedBefore)
            }
        }
    }

    /// Jobs a crashed server left running: the one with attempts left runs again, the one on its last attempt
    /// fails with `server_stopped`, the one whose cancel was asked for ends cancelled; all three end through the
    /// same path as any job (events, counters).
    @Test func jobsLeftRunningByACrashAreRequeuedOrEndedAtStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let crashed = try SQLiteJobStore(path: folder.appendingPathComponent("easel.sqlite").path)
        let parameters = GenerationParameters(prompt: "left running", steps: 2, width: 64, height: 64)
        let (again, lastTry, cancelled) = (Job(parameters: parameters), Job(parameters: parameters), Job(parameters: parameters))
        for job in [lastTry, again, cancelled] {
            try await crashed.insert(job)
            _ = try await crashed.claimNext(backend: "gone", at: Date())
        }
        _ = try await crashed.requeue(lastTry.id)
        _ = try await crashed.claimNext(backend: "gone", at: Date())
        _ = try await crashed.requestCancel(cancelled.id, at: Date())

        try await withEmulators(count: 1) { emulators in
            // Two attempts in all, so the job claimed twice is on its last.
            try await withHub(backends: emulators.map(\.baseURL), dataDirectory: folder, configure: { $0.worker.maxAttempts = 2 }) { hub in
                func delivery(_ job: Job) async throws -> JSONValue? {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(job.id.rawValue)").body["delivery"]
                }
                #expect(try await eventually { try await delivery(again)?["status"]?.string == "completed" })
                let failed = try await delivery(lastTry)
                #expect(failed?["status"]?.string == "failed" && failed?["error_code"]?.string == "server_stopped")
                let stopped = try await delivery(cancelled)
                #expect(stopped?["status"]?.string == "cancelled" && stopped?["error_code"]?.string == "cancelled")
                let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
                #expect(metrics.contains(#"easel_jobs_finished_total{status="failed"} 1"#), "\(metrics)")
            }
        }
    }
}
