import Foundation

/// When a failed delivery is tried again: exponential backoff from `initialDelay`, capped at `maximumDelay`, with
/// jitter (each delay is drawn from its upper half) so that receivers coming back are not hit by every sender at
/// once; given up once the next attempt would fall past `window` after the event.
public struct WebhookRetryPolicy: Sendable {
    public var window: Duration = .seconds(24 * 3600)
    public var initialDelay: Duration = .seconds(5)
    public var maximumDelay: Duration = .seconds(3600)

    public init() {}

    /// The next attempt after `attempts` failed ones (counting the one just made), or nil to give up.
    /// `jitter` is in 0...1 (random in use; fixed in tests).
    public func nextAttempt(after attempts: Int, createdAt: Date, now: Date, jitter: Double = .random(in: 0...1)) -> Date? {
        let exponent = min(max(attempts - 1, 0), 30)
        let full = min(seconds(initialDelay) * pow(2, Double(exponent)), seconds(maximumDelay))
        let next = now.addingTimeInterval(full * (0.5 + jitter / 2))
        return next <= createdAt.addingTimeInterval(seconds(window)) ? next : nil
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
