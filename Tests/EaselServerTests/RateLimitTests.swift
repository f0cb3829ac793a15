import EaselTesting
import Foundation
import Logging
import SDNext
import SDNextEmulator
import Testing

/// SD.Next's rate limit never fails a job: Easel paces each backend under it, and a 429 it could not foresee
/// (the budget spent by someone else from the same address) re-queues the job without using up an attempt.
@Suite(.timeLimit(.minutes(3))) struct RateLimitTests {
    /// SD.Next's limiter with SD.Next's numbers (300 cost units per window and path, a generation costing 5, a
    /// progress poll 1, counted after the handler ran) over a 6 s window instead of a minute, so that 200 jobs need
    /// several windows in seconds rather than minutes. Easel is told the window (`backendPacing`), as it cannot
    /// read it from SD.Next, whose window is always a minute.
    static let window: Duration = .seconds(6)

    static func limitedEmulator() -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.testing(rateLimitPerMinute: 300)
        configuration.rateLimitPeriod = window
        return configuration
    }

    /// Spends the backend's generation budget from the test's own address (as an earlier Easel process or a script
    /// would) until SD.Next answers 429, so Easel starts on a full window its fresh pacer knows nothing of.
    static func spendBudget(of emulator: RunningEmulator) async throws -> Int {
        var configuration = SDNextConfiguration(baseURL: emulator.baseURL)
        configuration.pacing = .disabled
        let client = SDNextClient(configuration: configuration)
        let request = Txt2ImgRequest(GenerationFields(prompt: "someone else", steps: 1), width: 64, height: 64)
        for spent in 0..<200 {
            do {
                _ = try await client.txt2img(request)
            } catch let error as SDNextError where error.code == .rateLimited {
                return spent
            }
        }
        throw TestFailure("the emulator never answered 429")
    }

    @Test func twoHundredOneStepJobsOnRateLimitedBackendsAllComplete() async throws {
        let logger = Logger(label: "test-emulator")
        try await withSDNextEmulators(count: 2, configuration: Self.limitedEmulator(), logger: logger) { emulators in
            for emulator in emulators { _ = try await Self.spendBudget(of: emulator) }
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.backendPacing = .perWindow(300, Self.window) }) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let started = ContinuousClock.now
                    var jobs: [String] = []
                    for index in 0..<200 {
                        jobs.append(try await hub.queue(#"{"prompt":"fast \#(index)","steps":1,"width":64,"height":64}"#))
                    }
                    var statuses: [String: Int] = [:]
                    for _ in jobs {
                        let complete = try await socket.next("generation_complete")
                        statuses[complete["data"]?["status"]?.string ?? "?", default: 0] += 1
                    }
                    let elapsed = ContinuousClock.now - started
                    #expect(statuses == ["completed": 200])
                    // A re-queued 429 kept its attempt: no job used more than its one start.
                    for id in jobs.prefix(20) + jobs.suffix(20) {
                        let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]
                        #expect(delivery?["attempts"]?.int == 1)
                    }
                    let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
                    let requeued = metrics.split(separator: "\n").first { $0.hasPrefix("easel_jobs_requeued_total") } ?? "none"
                    print("200 one-step jobs on 2 rate-limited emulators (300 per \(Self.window)): \(elapsed); \(requeued)")
                }
            }
        }
    }

    @Test func aJobRefusedWith429IsRequeuedWithoutUsingAnAttemptAndCompletes() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    var faults = FaultSettings()
                    faults.rateLimited = true
                    await emulators[0].controls.setFaults(faults)
                    let job = try await hub.queue(#"{"prompt":"refused","steps":2,"width":64,"height":64}"#)
                    while true {
                        let update = try await socket.next("progress_update", job: job)
                        #expect(update["data"]?["status"]?.string != "failed")
                        if update["data"]?["status"]?.string == "queued",
                           update["data"]?["error_message"]?.string?.contains("rate limit") == true { break }
                    }
                    try await waitUntil("the backend to show its 429 backoff") {
                        try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?[0]?["paced_until"]?.string != nil
                    }
                    await emulators[0].controls.setFaults(FaultSettings())
                    let complete = try await socket.next("generation_complete", job: job)
                    #expect(complete["data"]?["status"]?.string == "completed")
                    // Claimed at least twice (refused, then run), yet one attempt: every refusal was refunded.
                    let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]
                    #expect(delivery?["attempts"]?.int == 1)
                }
            }
        }
    }
}
