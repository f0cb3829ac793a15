import Foundation

/// Where jobs live. Every state change is a conditional update, so two workers (or a worker and a cancel)
/// can never both move the same job. SQLite is the embedded default; a PostgreSQL store can follow.
public protocol JobStore: Sendable {
    func insert(_ job: Job) async throws
    func job(_ id: JobID) async throws -> Job?

    /// Moves the best queued job (highest priority, then oldest) to `processing` on `backend`,
    /// counting the attempt. Returns nil when nothing is queued.
    func claimNext(backend: String, at date: Date) async throws -> Job?

    /// Ends a processing job. Returns the stored job, or nil when the job was not processing.
    func finish(_ id: JobID, status: JobStatus, result: JobResult?, error: String?, at date: Date) async throws -> Job?

    /// Cancels a job that is still queued. Returns the cancelled job, or nil when it was not queued.
    func cancelQueued(_ id: JobID, at date: Date) async throws -> Job?

    /// Puts a processing job back in the queue (its backend went away). Returns false when it was not processing.
    func requeue(_ id: JobID) async throws -> Bool

    /// How many jobs have `status`.
    func count(of status: JobStatus) async throws -> Int

    /// Jobs still queued or processing, most recently started first.
    func activeJobs(limit: Int) async throws -> [Job]

    /// Completed jobs, newest first.
    func completedJobs(limit: Int, offset: Int) async throws -> [Job]

    /// Removes a finished job. Returns what was removed, or nil when there was no such finished job.
    func deleteFinished(_ id: JobID) async throws -> Job?

    /// At start-up: jobs left `processing` by a stopped server are re-queued while they have attempts left,
    /// else failed with a reason. Returns the ids of both groups.
    func recoverInterrupted(maxAttempts: Int, at date: Date) async throws -> (requeued: [JobID], failed: [JobID])
}
