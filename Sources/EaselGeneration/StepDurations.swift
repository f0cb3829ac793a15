import Foundation
import Synchronization

/// Seconds per sampling step of each backend, measured from the jobs it completed (run time / steps), as a rolling
/// average: what queue ETAs are computed from. Why rolling: a backend's speed changes with the models and sizes it
/// is given, and the recent jobs say more about the next ones than the first ever did.
public final class StepDurations: Sendable {
    /// Weight of the newest job in the average.
    static let weight = 0.3
    let fallback: Double
    private let rates = Mutex<[String: Double]>([:])

    /// `fallback`: seconds per step of a backend with no completed job yet.
    public init(fallback: Double) {
        self.fallback = fallback
    }

    /// A job of `steps` steps ran `seconds` on `backend`.
    public func record(backend: String, steps: Int, seconds: Double) {
        guard steps > 0, seconds > 0, seconds.isFinite else { return }
        let measured = seconds / Double(steps)
        rates.withLock { rates in
            rates[backend] = rates[backend].map { $0 + Self.weight * (measured - $0) } ?? measured
        }
    }

    /// The backend's current seconds per step.
    public func secondsPerStep(_ backend: String) -> Double {
        rates.withLock { $0[backend] } ?? fallback
    }

    /// Every measured backend's rate.
    public var measured: [String: Double] { rates.withLock { $0 } }
}
