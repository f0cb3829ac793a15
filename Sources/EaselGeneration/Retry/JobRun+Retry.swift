import EaselCore
import Foundation
import SDNext

extension JobRun {
    /// The run time this attempt may take: the job's `timeout_seconds`, else the server's `--job-timeout`.
    var deadline: Duration? {
        job.timeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) } ?? worker.configuration.jobTimeout
    }

    /// Waits out `deadline` from the start of the attempt, then interrupts SD.Next until the generation returns (and
    /// this task is cancelled). Returns whether the deadline passed: false when the generation returned first.
    func interruptAtDeadline(_ deadline: Duration) async -> Bool {
        do {
            try await Task.sleep(for: deadline)
        } catch {
            return false
        }
        logger.warning("job ran past its deadline: interrupting it", metadata: ["timeout": "\(deadline)"])
        await backend.client.keepInterrupting(every: worker.configuration.interruptInterval)
        return true
    }

    /// Ends an attempt that failed: a transient failure with attempts left puts the job back in the queue, not before
    /// its backoff, remembering this backend so another free one takes it; anything else fails the job with `failure`,
    /// as does an attempt its caller skipped (SD.Next answers a skipped generation with no images).
    func fail(_ failure: JobFailure, as kind: FailureClass, progress tracker: ProgressTracker) async {
        let configuration = worker.configuration
        guard kind == .transient, job.attempts < configuration.maxAttempts, !service.skipRequests.contains(job.id) else {
            await finish(.failed(failure), progress: tracker.progress)
            return
        }
        let retryAt = Date().addingTimeInterval(configuration.retryBackoff.delay(after: job.attempts).inSeconds)
        let notice = RetryNotice(attempt: job.attempts, maxAttempts: configuration.maxAttempts, failure: failure, retryAt: retryAt)
        do {
            if try await service.finisher.retry(job.id, notice, failedOn: backend.url, progress: tracker.progress) {
                // An idle loop learns the job's not-before, and looks again then.
                service.dispatch.jobsArrived()
                logger.warning("job will be retried", metadata: [
                    "error_code": "\(failure.code)", "attempt": "\(job.attempts)", "retry_at": "\(retryAt)",
                ])
            } else if await isCancelRequested() {
                await finish(.cancelled("Cancelled by request"), progress: tracker.progress)
            }
        } catch {
            logger.error("could not put the job back in the queue", metadata: ["error": "\(error)"])
        }
    }
}
