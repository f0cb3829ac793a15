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

    @Test func a429FillsTheWindowWhateverTheModelCounted() {
        var budget = RequestBudget(limit: 300)
        budget.start("/sdapi/v1/txt2img")
        budget.refused("/sdapi/v1/txt2img", now: 30)
        // Taken as 300 counted in the minute 0..60: a generation fits once 295/300 of a minute's weight is left,
        // one second into the next minute.
        #expect(abs(budget.delay(for: "/sdapi/v1/txt2img", now: 30) - 31) < 1e-9)
        #expect(budget.delay(for: "/sdapi/v1/progress", now: 30) == 0)
    }

    @Test func aLimitBelowTheCostIsNotHeldBack() {
        #expect(RequestBudget(limit: 3).delay(for: "/sdapi/v1/txt2img", now: 0) == 0)
    }

    /// A burst that the emulator's limiter (20 per 1-second window) refuses without pacing goes through whole
    /// with pacing to the same window, generations beside it.
    @Test(.timeLimit(.minutes(1)))
    func pacedCallsNeverMeetA429ThatAnUnpacedBurstMeets() async throws {
        var configuration = EmulatorConfiguration.testing(rateLimitPerMinute: 20)
        configuration.rateLimitPeriod = .seconds(1)
        try await withEmulatorClient(configuration, configure: { $0.pacing = .perWindow(20, .seconds(1)) }) { client, emulator in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<6 { _ = try await client.txt2img(smallTxt2Img(steps: 2)) }
                }
                group.addTask {
                    for _ in 0..<50 { _ = try await client.progress() }
                }
                try await group.waitForAll()
            }
            var unpaced = SDNextConfiguration(baseURL: emulator.baseURL)
            unpaced.pacing = .disabled
            let burst = SDNextClient(configuration: unpaced)
            // At once, so that more than 20 land in one window however slowly a loaded machine answers each.
            let refusals = await withTaskGroup(of: SDNextError.Code?.self) { group in
                for _ in 0..<60 {
                    group.addTask {
                        do {
                            _ = try await burst.progress()
                            return nil
                        } catch {
                            return (error as? SDNextError)?.code
                        }
                    }
                }
                return await group.reduce(into: [SDNextError.Code]()) { codes, code in if let code { codes.append(code) } }
            }
            #expect(!refusals.isEmpty && refusals.allSatisfy { $0 == .rateLimited }, "\(refusals)")
        }
    }

    /// `.automatic` paces to the `server_rate_limit` the options name (here not the default 300), and A1111 to none.
    @Test func automaticPacingReadsTheServersLimit() async throws {
        try await withEmulatorClient(.testing(rateLimitPerMinute: 123)) { client, _ in
            _ = try await client.progress()
            #expect(await client.pacer.limit == 123)
        }
        var a1111 = EmulatorConfiguration.testing(rateLimitPerMinute: 123)
        a1111.flavor = .a1111
        try await withEmulatorClient(a1111) { client, _ in
            _ = try await client.progress()
            #expect(await client.pacer.limit == nil)
        }
    }

    /// A look-up of the limit that fails (401 here) is not repeated before every call until the back-off ends.
    /// The emulator's limiter (3 per hour on `/version`) counts the look-ups: repeated ones would make the
    /// second call a 429; with the back-off it is another 401, and only the fourth `/version` hit is refused.
    @Test(arguments: [true, false])
    func aFailedLookupIsRetriedOnlyAfterTheBackOff(backOff: Bool) async throws {
        var configuration = EmulatorConfiguration.testing(
            credentials: EmulatorCredentials(username: "fox", password: "secret"), rateLimitPerMinute: 3)
        configuration.rateLimitPeriod = .seconds(3600)
        try await withEmulatorClient(configuration, configure: { $0.rateLimitLookupRetry = backOff ? .seconds(60) : .zero }) {
            client, _ in
            var codes: [Int?] = []
            for _ in 0..<2 {
                let error = await #expect(throws: SDNextError.self) { try await client.detectFlavor() }
                codes.append(error?.code == .rateLimited ? 429 : error?.status)
            }
            #expect(codes == (backOff ? [401, 401] : [401, 429]))
        }
    }

    /// A caller cancelled while the limit's look-up hangs (every answer delayed 5 s) returns at once.
    @Test(.timeLimit(.minutes(1)))
    func aCancelledCallerDoesNotWaitForTheLookup() async throws {
        var faults = FaultSettings()
        faults.responseDelayMs = 5000
        try await withEmulatorClient(.testing(faults: faults)) { client, _ in
            let call = Task { try await client.progress() }
            let clock = ContinuousClock()
            let started = clock.now
            call.cancel()
            let result = await call.result
            #expect(clock.now - started < .seconds(2))
            #expect(throws: CancellationError.self) { try result.get() }
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
