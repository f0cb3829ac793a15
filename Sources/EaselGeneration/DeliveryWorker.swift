import EaselCore
import Foundation
import Logging
import SDNext
import ServiceLifecycle

/// The seed's DeliveryWorker: one loop per backend, each running one job at a time. A new job wakes one idle
/// loop (`DispatchSignal`), not all of them; the loop takes the job `DispatchPolicy` picks for its backend (one it
/// has the model and LoRAs of, preferably with the model loaded), and wakes another when it leaves one to it. Each loop
/// looks after its own backend's health: it checks at start, while the backend is unreachable (with backoff),
/// every `healthCheckInterval` while idle, and when woken after `recheckAfterSilence` without an answer (so a
/// backend that died while idle does not use up a job's attempts); never before each claim of a busy backend.
/// A backend that does not answer claims nothing while the others serve.
public struct DeliveryWorker: Service {
    /// Tuning with documented defaults.
    public struct Configuration: Sendable {
        /// How often a running job's progress is polled. Default 250 ms, under SD.Next's 300 requests/min limit.
        public var pollInterval: Duration = .milliseconds(250)
        /// How often a running job's cancel request is read from the store, where any process may have written it.
        /// Default 1 s (one key lookup per running job; SD.Next's interrupt is re-sent as often).
        public var cancelPollInterval: Duration = .seconds(1)
        /// How often an interrupt is re-sent while a cancelled job's generation has not returned. Default 1 s.
        public var interruptInterval: Duration = .seconds(1)
        /// Longest wait between health checks of an unreachable backend. Default 10 s.
        public var maxHealthBackoff: Duration = .seconds(10)
        /// How often an idle backend's health is checked (and the queue looked at, for jobs no signal announced).
        /// Default 10 s.
        public var healthCheckInterval: Duration = .seconds(10)
        /// A loop woken for a job checks its backend's health first when nothing was heard from it for this long.
        /// Default 2 s.
        public var recheckAfterSilence: Duration = .seconds(2)
        /// Attempts a job may have in all (`--max-attempts`): a transient failure (see `FailureClass`), a lost backend
        /// or a stop re-queues it until then. Default 3.
        public var maxAttempts = 3
        /// The wait before a transiently failed job's next attempt (kept in the store as the job's not-before).
        public var retryBackoff = RetryPolicy()
        /// Run time an attempt may take on its backend when the job names no `timeout_seconds` (`--job-timeout`);
        /// past it the generation is interrupted and the job fails `timeout`. Default nil: no deadline (the SD.Next
        /// client's own generation timeout, 30 min, still ends a call that never returns).
        public var jobTimeout: Duration?
        /// When a backend that keeps failing is taken out of dispatch, and for how long.
        public var circuitBreaker = CircuitBreaker.Settings()
        /// How often a backend busy with someone else's job is asked whether it is idle again. Default 1 s.
        public var busyPollInterval: Duration = .seconds(1)
        /// How often a backend held by a paused queue or its own drain looks again: a resume, by this process or
        /// another on the same store, is seen within it. Default 250 ms.
        public var pausePollInterval: Duration = .milliseconds(250)
        /// Which queued job a free backend takes (model-aware by default, with a 30 s patience).
        public var dispatch = DispatchPolicy()
        public init() {}
    }

    let backends: [Backend]
    let service: GenerationService
    let configuration: Configuration
    let previewDemand: PreviewDemand
    let logger: Logger

    /// - Parameter previewDemand: asked before each progress poll whether anyone wants the job's live preview.
    public init(
        backends: [Backend], service: GenerationService, configuration: Configuration,
        previewDemand: @escaping PreviewDemand = { _ in false }, logger: Logger
    ) {
        self.backends = backends
        self.service = service
        self.configuration = configuration
        self.previewDemand = previewDemand
        self.logger = logger
    }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for backend in backends {
                group.addTask { await serve(backend) }
            }
        }
    }

    private func serve(_ backend: Backend) async {
        let logger = self.logger.with("backend", backend.url)
        await cancelWhenGracefulShutdown {
            var backoff = Duration.milliseconds(500)
            var healthDue = true
            // Woken for a job: if this backend cannot take it, another idle loop must.
            var holdsWakeUp = false
            while !Task.isCancelled {
                if healthDue || backend.status.healthy != true {
                    guard await checkHealth(of: backend, logger: logger) else {
                        if holdsWakeUp { service.dispatch.jobsArrived() }
                        holdsWakeUp = false
                        try? await Task.sleep(for: backoff)
                        backoff = min(backoff * 2, configuration.maxHealthBackoff)
                        continue
                    }
                    backoff = .milliseconds(500)
                    healthDue = false
                    // A backend that was down when the pool inventory was read runs only jobs that need nothing until read.
                    if backend.status.inventory == nil { _ = try? await backend.refreshInventory() }
                }
                if let hold = await hold(of: backend, logger: logger) {
                    if holdsWakeUp { service.dispatch.jobsArrived() }
                    holdsWakeUp = false
                    healthDue = hold.checkHealthAfter
                    try? await Task.sleep(for: hold.duration)
                    continue
                }
                holdsWakeUp = false
                do {
                    let claim = try await claimJob(for: backend)
                    guard let job = claim.job else {
                        if claim.leftForOthers {
                            service.dispatch.jobsArrived()
                            try? await Task.sleep(for: Self.deferralPause)
                        }
                        let woken = await service.dispatch.waitForJob(timeout: await idleWait())
                        healthDue = !woken || backend.silent(for: configuration.recheckAfterSilence)
                        holdsWakeUp = woken
                        continue
                    }
                    await JobRun(job: job, backend: backend, worker: self, logger: logger.with("job", job.id.rawValue)).run()
                } catch is CancellationError where Task.isCancelled {
                    continue  // shutting down: the loop's condition ends it
                } catch {
                    logger.error("job store failed", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: backoff)
                }
            }
        }
    }

    private func checkHealth(of backend: Backend, logger: Logger) async -> Bool {
        do {
            let flavor = try await backend.client.detectFlavor()
            if backend.status.healthy != true { logger.info("backend is available", metadata: ["flavor": "\(flavor)"]) }
            backend.recordHealth(true, flavor: flavor)
            return true
        } catch let error as SDNextError where error.code == .rateLimited {
            // It answered: alive, only out of budget for this route.
            backend.recordHealth(true)
            return true
        } catch {
            if backend.status.healthy != false {
                logger.warning("backend is unreachable", metadata: ["error": "\(error)"])
            }
            backend.recordHealth(false, error: "\(error)")
            log(backend.recordFailedCheck(error, at: Date()), logger: logger)
            return false
        }
    }
}
