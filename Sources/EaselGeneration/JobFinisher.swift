import EaselCore
import Foundation
import SDNext

/// The one way a job leaves the queue or its backend: it writes the store, publishes the last `progress_update`
/// (and, for an ending, the one `generation_complete`), and counts it. A new kind of ending is a new
/// `JobOutcome`, handled here and nowhere else.
struct JobFinisher: Sendable {
    let store: any JobStore
    let events: JobEventBus
    let presenter: ResultPresenter
    let metrics: EaselMetrics
    let webhooks: WebhookAnnouncer

    /// Ends the job if it is still in `status`. `progress` is how far it got (nil: it never started).
    /// Returns the stored job, or nil when it was no longer in `status` (someone else moved it).
    func end(_ id: JobID, from status: JobStatus, with outcome: JobOutcome, progress: JobProgress?) async throws -> Job? {
        let now = Date()
        let webhook = webhooks.message(for: id, outcome: outcome, at: now)
        guard let ended = try await store.end(id, from: status, with: outcome, at: now, webhook: webhook) else { return nil }
        let last = JobProgressState(
            status: outcome.status, fraction: progress?.fraction ?? 0, currentStep: progress?.currentStep,
            totalSteps: progress?.totalSteps, etaSeconds: outcome.status == .completed ? 0 : nil,
            errorMessage: outcome.failure?.message)
        events.publish(.progress(last), for: id)
        events.publish(.completed(presenter.completion(for: ended)), for: id)
        metrics.finished(outcome.status)?.increment()
        if let duration = ended.duration { metrics.jobRun.recordSeconds(duration) }
        metrics.recent.recordEnd(outcome.status, runSeconds: ended.duration)
        return ended
    }

    /// Puts a processing job back in the queue (its backend went away or refused it for its rate limit, or Easel is
    /// stopping) and says why. Returns false when the job was no longer processing.
    func requeue(_ id: JobID, reason: String, refundingAttempt: Bool) async throws -> Bool {
        guard try await store.requeue(id, refundingAttempt: refundingAttempt) else { return false }
        metrics.jobsRequeued.increment()
        let queued = JobProgressState(status: .queued, fraction: 0, errorMessage: "\(reason); the job was re-queued")
        events.publish(.progress(queued), for: id)
        return true
    }

    /// Puts a processing job whose attempt failed transiently back in the queue until `notice.retryAt`, announces the
    /// retry (`progress_update` status `retrying`) and counts it by error code. Returns false as `requeue` does.
    func retry(_ id: JobID, _ notice: RetryNotice, failedOn backend: String, progress: JobProgress) async throws -> Bool {
        guard try await store.retry(id, notBefore: notice.retryAt, failedOn: backend) else { return false }
        metrics.jobRetries[notice.failure.code]?.increment()
        let waiting = JobProgressState(
            status: .queued, fraction: 0, currentStep: 0, totalSteps: progress.totalSteps,
            errorMessage: notice.failure.message, retry: notice)
        events.publish(.progress(waiting), for: id)
        return true
    }
}
