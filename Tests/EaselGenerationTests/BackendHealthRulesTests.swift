import Foundation
import SDNext
import Testing

@testable import EaselGeneration

/// How a backend's outcomes feed its circuit, its 429 backoff and the "busy elsewhere" rule, without I/O.
@Suite struct BackendHealthRulesTests {
    private let now = Date(timeIntervalSince1970: 1_000)
    private let backend = Backend(client: SDNextClient(configuration: SDNextConfiguration(baseURL: "http://127.0.0.1:1")))

    private func failure(_ code: SDNextError.Code, status: Int? = nil) -> Result<GenerationResult, any Error> {
        .failure(SDNextError(code: code, status: status, message: "x"))
    }

    private func snapshot(_ job: String, id: String, step: Int = 0) -> ProgressSnapshot {
        ProgressSnapshot(
            id: .text(id), state: .init(job: job, jobCount: 1, samplingStep: step, jobTimestamp: "20260101000000"))
    }

    @Test func connectionErrorsTimeoutsAnd5xxCountAgainstTheBackendOthersDoNot() {
        for (code, status) in [(SDNextError.Code.httpStatus, 422), (.httpStatus, 404), (.emptyImages, 200), (.rateLimited, 429), (.decoding, 200)] {
            #expect(backend.recordGeneration(failure(code, status: status), at: now) == nil)
        }
        #expect(backend.status.circuit.consecutiveFailures == 0)
        #expect(backend.recordGeneration(failure(.connection), at: now) == nil)
        #expect(backend.recordGeneration(failure(.httpStatus, status: 500), at: now) == nil)
        #expect(backend.recordGeneration(failure(.timeout), at: now) == .opened(retryAt: now.addingTimeInterval(5)))
        #expect(backend.status.circuit.state.name == "open")
    }

    /// A backend a job is left to must be able to take it now: not held by its circuit, its rate limit or a job of
    /// someone else's.
    @Test func aBackendIsFreeOnlyWhenNothingHoldsIt() {
        #expect(!backend.isFree(at: now), "health not checked yet")
        backend.recordHealth(true)
        #expect(backend.isFree(at: now))
        backend.withStatus { $0.busyElsewhere = true }
        #expect(!backend.isFree(at: now))
        backend.withStatus { $0.busyElsewhere = false }
        _ = backend.recordGeneration(failure(.rateLimited, status: 429), at: now)
        _ = backend.rateLimitHold(pacingDelay: .zero, at: now)
        #expect(!backend.isFree(at: now) && backend.isFree(at: now.addingTimeInterval(1)))
        for _ in 0..<3 { _ = backend.recordGeneration(failure(.connection), at: now) }
        #expect(!backend.isFree(at: now.addingTimeInterval(1)), "circuit open")
        #expect(backend.isFree(at: now.addingTimeInterval(5)), "its cooldown passed: the probe may be claimed")
    }

    @Test func a429HoldsTheBackendWithABackoffThatDoublesAndASuccessResetsIt() {
        #expect(backend.rateLimitHold(pacingDelay: .zero, at: now) == nil)
        _ = backend.recordGeneration(failure(.rateLimited, status: 429), at: now)
        #expect(backend.rateLimitHold(pacingDelay: .zero, at: now) == now.addingTimeInterval(1))
        _ = backend.recordGeneration(failure(.rateLimited, status: 429), at: now)
        #expect(backend.rateLimitHold(pacingDelay: .zero, at: now) == now.addingTimeInterval(2))
        // The pacing's own wait wins when it is longer.
        #expect(backend.rateLimitHold(pacingDelay: .seconds(30), at: now) == now.addingTimeInterval(30))
        #expect(backend.status.pacedUntil == now.addingTimeInterval(30))
        #expect(backend.rateLimitHold(pacingDelay: .zero, at: now.addingTimeInterval(3)) == nil)
        _ = backend.recordGeneration(.success(GenerationResult(images: [], parameters: [:], info: nil, rawInfo: "")), at: now)
        _ = backend.recordGeneration(failure(.rateLimited, status: 429), at: now)
        #expect(backend.rateLimitHold(pacingDelay: .zero, at: now) == now.addingTimeInterval(1))
    }

    @Test func aJobShownWhileEaselRunsNothingIsSomeoneElses() {
        #expect(backend.observeIdleProgress(ProgressSnapshot()) == false)
        #expect(backend.observeIdleProgress(snapshot("Text", id: "a")) == true)
        #expect(backend.status.busyElsewhere)
        #expect(backend.observeIdleProgress(ProgressSnapshot()) == false)
        #expect(backend.status.busyElsewhere == false)
    }

    @Test func theStageAFailedRunLeftBehindIsNotSomeoneElsesButTheNextJobIs() {
        _ = backend.recordGeneration(failure(.httpStatus, status: 500), at: now)
        let stale = snapshot("API-TXT", id: "stale")
        #expect(backend.observeIdleProgress(stale) == false)
        #expect(backend.observeIdleProgress(stale) == false)
        #expect(backend.observeIdleProgress(snapshot("API-TXT", id: "stale", step: 1)) == true)
        #expect(backend.observeIdleProgress(stale) == true)
    }
}
