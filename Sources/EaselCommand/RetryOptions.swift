import ArgumentParser
import EaselGeneration

/// `easel serve`'s retry and deadline flags.
struct RetryOptions: ParsableArguments {
    @Option(
        name: .customLong("max-attempts"),
        help: "Attempts a job may have in all: a transient failure (SD.Next 5xx, no images, lost connection, timeout) is retried until then.")
    var maxAttempts = 3

    @Option(name: .customLong("retry-backoff-ms"), help: "Wait before the first retry, in milliseconds; doubled per attempt.")
    var backoffMilliseconds = 2_000

    @Option(name: .customLong("retry-backoff-cap-ms"), help: "Longest wait before a retry, in milliseconds.")
    var backoffCapMilliseconds = 60_000

    @Option(
        name: .customLong("job-timeout"),
        help: "Run time, in seconds, an attempt may take on its backend when the job gives no timeout_seconds (default: none).")
    var jobTimeoutSeconds: Double?

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard backoffMilliseconds >= 0, backoffCapMilliseconds >= backoffMilliseconds else {
            throw ValidationError("--retry-backoff-ms must not be negative nor above --retry-backoff-cap-ms")
        }
        if let seconds = jobTimeoutSeconds, !(seconds > 0) {
            throw ValidationError("--job-timeout must be a positive number of seconds")
        }
    }

    func apply(to worker: inout DeliveryWorker.Configuration) {
        worker.maxAttempts = maxAttempts
        worker.retryBackoff.base = .milliseconds(backoffMilliseconds)
        worker.retryBackoff.cap = .milliseconds(backoffCapMilliseconds)
        worker.jobTimeout = jobTimeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }
}
