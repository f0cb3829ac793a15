import EaselTesting
import SDNextEmulator
import Testing

@testable import SDNext

/// `RequestBudget` (the client's model of SD.Next's limiter) and pacing against a default emulator.
@Suite struct PacingTests {
    @Test func aFullMinuteWaitsForThePreviousWeightToShrink() {
        var budget = RequestBudget(limit: 10)
        for _ in 0..<10 {
            #expect(budget.delay(for: "/p", now: 0) == 0)
            budget.start("/p")
            budget.complete("/p", now: 0)
        }
        // Full now; in the next minute 10 × share-ahead + 1 ≤ 10 once 9/10 of that minute remain: at 66 s.
        #expect(abs(budget.delay(for: "/p", now: 1) - 65) < 1e-9)
        #expect(budget.delay(for: "/other", now: 1) == 0)
    }

    @Test func callsInFlightCountAndGenerationsCostFive() {
        var budget = RequestBudget(limit: 10)
        budget.start("/sdapi/v1/txt2img")
        #expect(budget.delay(for: "/sdapi/v1/txt2img", now: 30) == 0)
        budget.start("/sdapi/v1/txt2img")
        #expect(budget.delay(for: "/sdapi/v1/txt2img", now: 30) > 0)
        #expect(budget.delay(for: "/internal/progress", now: 30) == 0)
        #expect(RequestBudget.route(of: "/sdapi/v1/progress?skip_current_image=true") == "/sdapi/v1/progress")
    }

    @Test func aLimitBelowTheCostIsNotHeldBack() {
        #expect(RequestBudget(limit: 3).delay(for: "/sdapi/v1/txt2img", now: 0) == 0)
    }

    /// 320 progress polls (the default limit is 300 per minute) and generations beside them: never a 429.
    @Test(.timeLimit(.minutes(3)))
    func aDefaultEmulatorNeverAnswers429() async throws {
        var configuration = EmulatorConfiguration.testing()
        configuration.rateLimitPerMinute = 300
        try await withEmulatorClient(configuration) { client, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<3 { _ = try await client.txt2img(smallTxt2Img(steps: 2)) }
                }
                group.addTask {
                    for _ in 0..<320 { _ = try await client.progress() }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func a429IsRateLimitedAndNamesThePath() async throws {
        var faults = FaultSettings()
        faults.rateLimited = true
        try await withEmulatorClient(.testing(faults: faults)) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.progress() }
            #expect(error.code == .rateLimited && error.isRetryable)
            #expect(error.path == "/sdapi/v1/progress")
        }
    }
}
