import Foundation
import SDNext

/// How long a job whose attempt failed transiently waits before its next attempt (how many it gets is
/// `DeliveryWorker.Configuration.maxAttempts`). Exponential backoff from `base`,
/// capped at `cap`, with jitter (each delay drawn from its top `jitter` fraction), so the jobs of a backend that failed
/// them all at once do not come back all at once. A pure value: the random draw is an argument.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay after the first failed attempt, before jitter. Default 2 s.
    public var base: Duration
    /// The longest delay. Default 60 s.
    public var cap: Duration
    /// The fraction of each delay that is random, in 0...1: a delay `d` becomes one in `d·(1 − jitter)...d`. Default 0.5.
    public var jitter: Double

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(60), jitter: Double = 0.5) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait before the next attempt after attempt number `attempt` failed. `random` is in 0...1 (random in use,
    /// fixed in tests): 0 gives the full delay, 1 the shortest.
    public func delay(after attempt: Int, random: Double = .random(in: 0...1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base.inSeconds * pow(2, Double(exponent)), cap.inSeconds)
        let drawn = full * (1 - jitter * min(max(random, 0), 1))
        return .milliseconds(Int64((drawn * 1000).rounded()))
    }
}
