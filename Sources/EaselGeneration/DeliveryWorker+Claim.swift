import EaselCore
import Foundation

extension DeliveryWorker {
    /// Heads (one per distinct model and LoRA set queued) the policy chooses from: the cost of one choice is at most
    /// this many index seeks. Beyond it the store adds the queue's first job in claim order, so no requirement starves.
    static let maxQueueHeads = 64
    /// How long a loop that left jobs to another free backend waits before it looks again, so that two loops cannot
    /// hand a wake-up back and forth while the backend meant to take the job is between two claims.
    static let deferralPause: Duration = .milliseconds(50)

    /// What one claim attempt found.
    struct Claim {
        var job: Job?
        /// Jobs are queued that another free backend should take: the caller makes sure one is awake.
        var leftForOthers = false
    }

    /// Claims the job the dispatch policy picks for `backend` among the queue's heads. The chosen job may be taken by
    /// another backend between the read and the conditional claim; the choice is then made again.
    func claimJob(for backend: Backend) async throws -> Claim {
        let policy = configuration.dispatch
        for _ in 0..<3 {
            let now = Date()
            let heads = try await service.store.queueHeads(limit: Self.maxQueueHeads, at: now)
            guard !heads.isEmpty else { return Claim() }
            let view = DispatchPolicy.BackendView(inventory: backend.status.inventory, url: backend.url)
            let others = backends.filter { $0 !== backend && $0.isFree(at: now) }
                .map { DispatchPolicy.BackendView(inventory: $0.status.inventory, url: $0.url) }
            guard let chosen = policy.choose(from: heads, for: view, others: others, at: now) else {
                return Claim(leftForOthers: policy.leavesWork(in: heads, to: others))
            }
            let claimedAt = Date()
            let webhook = service.webhooks.started(chosen.id, backend: backend.url, at: claimedAt)
            if let job = try await service.store.claim(chosen.id, backend: backend.url, at: claimedAt, webhook: webhook) {
                return Claim(job: job)
            }
        }
        return Claim(leftForOthers: true)
    }
}

extension DeliveryWorker {
    /// How long a loop with nothing to claim waits for a signal: until its next health check, or until the next retry
    /// falls due when that is sooner (a job's backoff is its not-before in the store, so no task sleeps per job, and a
    /// restart keeps it).
    func idleWait() async -> Duration {
        let now = Date()
        guard let due = try? await service.store.nextRetryDue(after: now) else { return configuration.healthCheckInterval }
        let untilDue = Duration.milliseconds(Int64((due.timeIntervalSince(now) * 1000).rounded(.up)) + 1)
        return min(configuration.healthCheckInterval, untilDue)
    }
}

extension Backend {
    /// A loop that may claim at once: healthy, running no job (Easel's or anyone's), not drained, its circuit admitting
    /// and its rate limit not holding it. A job is left only to such a backend, or it would wait for one that cannot
    /// take it.
    func isFree(at now: Date) -> Bool {
        let status = self.status
        return status.healthy == true && status.currentJob == nil && !status.busyElsewhere && !status.draining
            && (status.pacedUntil.map { $0 <= now } ?? true) && (status.circuit.retryAt.map { $0 <= now } ?? true)
    }
}
