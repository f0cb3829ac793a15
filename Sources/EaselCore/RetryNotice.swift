import Foundation

/// A job's attempt failed transiently and the job waits in the queue for another: what a `progress_update` with status
/// `retrying` tells subscribers, so a client sees why its job went back and when it runs again.
public struct RetryNotice: Sendable, Equatable {
    /// The attempt that failed, counting from 1 (the next attempt is `attempt + 1`); it equals the job's `attempts`.
    public var attempt: Int
    /// Attempts the job may have in all (`--max-attempts`).
    public var maxAttempts: Int
    /// Why the attempt failed.
    public var failure: JobFailure
    /// The job is not claimed before this (its backoff).
    public var retryAt: Date

    public init(attempt: Int, maxAttempts: Int, failure: JobFailure, retryAt: Date) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.failure = failure
        self.retryAt = retryAt
    }
}
