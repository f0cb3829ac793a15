import Foundation
import Testing

@testable import EaselGeneration

/// The circuit breaker as a value: every transition, with the time passed in.
@Suite struct CircuitBreakerTests {
    private let start = Date(timeIntervalSince1970: 1_000)

    private func breaker(threshold: Int = 3, cooldown: Int = 5, maxCooldown: Int = 12) -> CircuitBreaker {
        var settings = CircuitBreaker.Settings()
        settings.failureThreshold = threshold
        settings.cooldown = .seconds(cooldown)
        settings.maxCooldown = .seconds(maxCooldown)
        return CircuitBreaker(settings: settings)
    }

    @Test func opensAfterTheThresholdOfFailuresInARow() {
        var circuit = breaker()
        #expect(circuit.recordFailure(at: start) == nil)
        #expect(circuit.recordFailure(at: start) == nil)
        #expect(circuit.state == .closed && circuit.consecutiveFailures == 2)
        #expect(circuit.admission(at: start).0 == .dispatch)
        let retryAt = start.addingTimeInterval(5)
        #expect(circuit.recordFailure(at: start) == .opened(retryAt: retryAt))
        #expect(circuit.state == .open(retryAt: retryAt) && circuit.retryAt == retryAt && circuit.consecutiveFailures == 3)
        #expect(circuit.state.name == "open")
    }

    @Test func aSuccessResetsTheCount() {
        var circuit = breaker()
        _ = circuit.recordFailure(at: start)
        _ = circuit.recordFailure(at: start)
        #expect(circuit.recordSuccess() == nil)
        #expect(circuit.consecutiveFailures == 0)
        #expect(circuit.recordFailure(at: start) == nil)
        #expect(circuit.state == .closed)
    }

    @Test func anOpenCircuitHoldsClaimsUntilItsCooldownThenLetsAProbeThrough() {
        var circuit = breaker(threshold: 1)
        _ = circuit.recordFailure(at: start)
        let (waiting, none) = circuit.admission(at: start.addingTimeInterval(4.9))
        #expect(waiting == .wait(until: start.addingTimeInterval(5)) && none == nil)
        // Failures while open (health checks) neither extend nor re-open it.
        #expect(circuit.recordFailure(at: start.addingTimeInterval(1)) == nil)
        #expect(circuit.retryAt == start.addingTimeInterval(5))
        let (probe, transition) = circuit.admission(at: start.addingTimeInterval(5))
        #expect(probe == .dispatch && transition == .halfOpened && circuit.state == .halfOpen)
        #expect(circuit.state.name == "half_open" && circuit.retryAt == nil)
        #expect(circuit.admission(at: start.addingTimeInterval(6)) == (.dispatch, nil))
    }

    @Test func aSuccessfulProbeClosesTheCircuit() {
        var circuit = breaker(threshold: 1)
        _ = circuit.recordFailure(at: start)
        _ = circuit.admission(at: start.addingTimeInterval(5))
        #expect(circuit.recordSuccess() == .closed)
        #expect(circuit.state == .closed && circuit.consecutiveFailures == 0 && circuit.state.name == "closed")
    }

    @Test func aFailedProbeReopensForTwiceTheCooldownUpToTheMaximum() {
        var circuit = breaker(threshold: 1, cooldown: 5, maxCooldown: 12)
        _ = circuit.recordFailure(at: start)
        var now = start.addingTimeInterval(5)
        _ = circuit.admission(at: now)
        #expect(circuit.recordFailure(at: now) == .opened(retryAt: now.addingTimeInterval(10)))
        now = now.addingTimeInterval(10)
        _ = circuit.admission(at: now)
        #expect(circuit.recordFailure(at: now) == .opened(retryAt: now.addingTimeInterval(12)))
        // After a close, the cooldown starts small again.
        now = now.addingTimeInterval(12)
        _ = circuit.admission(at: now)
        #expect(circuit.recordSuccess() == .closed)
        #expect(circuit.recordFailure(at: now) == .opened(retryAt: now.addingTimeInterval(5)))
    }
}
