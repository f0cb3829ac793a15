import Foundation
import Logging
import SDNext

/// Why a backend loop claims no job right now, checked before every claim.
struct BackendHold {
    var duration: Duration
    /// True when the backend's health should be checked before the next claim (a half-open probe follows).
    var checkHealthAfter = false
}

extension DeliveryWorker {
    /// Whether `backend` must take no job now, and for how long: the queue is paused or the backend drained, its
    /// circuit is open, its rate limit has no room for a generation, or it is running someone else's job. nil: claim.
    func hold(of backend: Backend, logger: Logger) async -> BackendHold? {
        let paused = (try? await service.store.isQueuePaused()) == true
        let control = paused ? "queue_paused" : backend.status.draining ? "draining" : nil
        backend.recordHold(control)
        if control != nil { return BackendHold(duration: configuration.pausePollInterval) }
        let now = Date()
        let (admission, transition) = backend.circuitAdmission(at: now)
        log(transition, logger: logger)
        if case .wait(let retryAt) = admission {
            return BackendHold(duration: .seconds(max(retryAt.timeIntervalSince(now), 0)), checkHealthAfter: true)
        }
        if let pacedUntil = backend.rateLimitHold(pacingDelay: await backend.client.generationDelay(), at: now) {
            return BackendHold(duration: .seconds(max(pacedUntil.timeIntervalSince(now), 0)) + .milliseconds(10))
        }
        guard let snapshot = try? await backend.client.progress() else { return nil }
        let wasBusy = backend.status.busyElsewhere
        let busy = backend.observeIdleProgress(snapshot)
        if busy != wasBusy {
            logger.notice(busy ? "backend is running a job Easel did not start" : "backend is idle again")
        }
        return busy ? BackendHold(duration: configuration.busyPollInterval) : nil
    }

    func log(_ transition: CircuitBreaker.Transition?, logger: Logger) {
        switch transition {
        case .opened(let retryAt)?:
            logger.warning("backend taken out of dispatch (circuit open)", metadata: ["retry_at": "\(retryAt)"])
        case .halfOpened?:
            logger.notice("backend's circuit is half-open: the next job probes it")
        case .closed?:
            logger.notice("backend's circuit closed: it takes jobs again")
        case nil:
            break
        }
    }
}
