import Foundation
import SDNext

extension SDNextError {
    /// Whether this failure says the backend itself is unwell (and counts toward opening its circuit): it could
    /// not be reached, did not answer in time, or failed with a 5xx. A 4xx, a 429 or a 200 without images is about
    /// the request, not the server.
    var showsBackendUnwell: Bool {
        code == .connection || code == .timeout || (code == .httpStatus && (status ?? 0) >= 500)
    }
}

extension Backend {
    /// Longest wait after 429s in a row.
    static let maxRateLimitBackoff: Duration = .seconds(60)

    /// A generation of Easel's returned: feeds the circuit breaker, the 429 backoff and the leftover-stage rule.
    func recordGeneration<Answer>(_ result: Result<Answer, any Error>, at now: Date) -> CircuitBreaker.Transition? {
        withStatus { status in
            switch result {
            case .success:
                status.rateLimitBackoff = .zero
                status.rateLimitedUntil = nil
                status.lastAnswerAt = .now
                return status.circuit.recordSuccess()
            case .failure(let error):
                status.leftover = .expected
                guard let error = error as? SDNextError else { return nil }
                if error.code == .rateLimited {
                    status.rateLimitBackoff = min(max(status.rateLimitBackoff * 2, .seconds(1)), Self.maxRateLimitBackoff)
                    status.rateLimitedUntil = now.addingTimeInterval(status.rateLimitBackoff.inSeconds)
                    return nil
                }
                return error.showsBackendUnwell ? status.circuit.recordFailure(at: now) : nil
            }
        }
    }

    /// A health check failed with `error`.
    func recordFailedCheck(_ error: any Error, at now: Date) -> CircuitBreaker.Transition? {
        guard (error as? SDNextError)?.showsBackendUnwell ?? true else { return nil }
        return withStatus { $0.circuit.recordFailure(at: now) }
    }

    /// Whether the circuit lets the loop claim a job now.
    func circuitAdmission(at now: Date) -> (CircuitBreaker.Admission, CircuitBreaker.Transition?) {
        withStatus { $0.circuit.admission(at: now) }
    }

    /// Until when the backend must take no job for its rate limit: the later of its pacing's wait for a
    /// generation and the backoff after a 429. nil when a job may be claimed now. Shown as `paced_until`.
    func rateLimitHold(pacingDelay: Duration, at now: Date) -> Date? {
        withStatus { status in
            let paced = pacingDelay > .zero ? now.addingTimeInterval(pacingDelay.inSeconds) : nil
            let until = [paced, status.rateLimitedUntil.flatMap { $0 > now ? $0 : nil }].compactMap { $0 }.max()
            status.pacedUntil = until
            return until
        }
    }

    /// Reads a progress answer taken while Easel runs nothing here: true when it shows someone else's job. A stage
    /// Easel's own failed run left behind (SD.Next keeps it until the next job) is not someone else's job.
    func observeIdleProgress(_ snapshot: ProgressSnapshot) -> Bool {
        withStatus { status in
            let running = !snapshot.state.job.isEmpty || snapshot.state.jobCount > 0
            switch (running, status.leftover) {
            case (false, _):
                status.leftover = .none
                status.busyElsewhere = false
            case (true, .expected):
                status.leftover = .seen(snapshot.id, snapshot.state)
                status.busyElsewhere = false
            case (true, .seen(let id, let state)) where id == snapshot.id && state == snapshot.state:
                status.busyElsewhere = false
            case (true, _):
                status.leftover = .none
                status.busyElsewhere = true
            }
            return status.busyElsewhere
        }
    }
}
