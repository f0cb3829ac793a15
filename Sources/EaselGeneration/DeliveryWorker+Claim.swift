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
            let heads = try await service.store.queueHeads(limit: Self.maxQueueHeads)
            guard !heads.isEmpty else { return Claim() }
            let now = Date()
            let view = DispatchPolicy.BackendView(inventory: backend.status.inventory)
            let others = backends.filter { $0 !== backend && $0.isFree(at: now) }
                .map { DispatchPolicy.BackendView(inventory: $0.status.inventory) }
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

extension Backend {
    /// A loop that may claim at once: healthy, running no job (Easel's or anyone's), its circuit admitting and its
    /// rate limit not holding it. A job is left only to such a backend, or it would wait for one that cannot take it.
    func isFree(at now: Date) -> Bool {
        let status = self.status
        return status.healthy == true && status.currentJob == nil && !status.busyElsewhere
            && (status.pacedUntil.map { $0 <= now } ?? true) && (status.circuit.retryAt.map { $0 <= now } ?? true)
    }
}
