import Foundation
import SDNext

/// Whether a backend that keeps failing is given work, as a pure value: every input is a method that returns
/// what changed, and time is passed in, so it is tested without I/O.
///
/// Closed: the backend takes jobs; `failureThreshold` failures in a row (connection errors, timeouts, 5xx, from
/// generations or health checks) open it. Open: no job is claimed until `retryAt`. Then half-open: the next job is
/// the probe; its success closes the circuit, a failure (or a failed health check) opens it again for twice the
/// cooldown, up to `maxCooldown`. Only a generation that succeeded closes it or resets the count: a backend that
/// answers its health check but fails every generation must still be taken out.
public struct CircuitBreaker: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        /// Failures in a row that open the circuit. Default 3.
        public var failureThreshold = 3
        /// How long the circuit stays open the first time. Default 5 s.
        public var cooldown: Duration = .seconds(5)
        /// The longest a circuit stays open after repeated failed probes. Default 60 s.
        public var maxCooldown: Duration = .seconds(60)
        public init() {}
    }

    public enum State: Sendable, Equatable {
        case closed
        case open(retryAt: Date)
        case halfOpen

        /// The name `GET generation/backends` shows.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }
    }

    /// A change of state the caller should log.
    public enum Transition: Sendable, Equatable {
        case opened(retryAt: Date)
        case halfOpened
        case closed
    }

    /// What the backend's loop may do now.
    public enum Admission: Sendable, Equatable {
        case dispatch
        case wait(until: Date)
    }

    public let settings: Settings
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    private var nextCooldown: Duration

    public init(settings: Settings = Settings()) {
        self.settings = settings
        nextCooldown = settings.cooldown
    }

    /// When an open circuit lets a probe through; nil unless open.
    public var retryAt: Date? {
        if case .open(let retryAt) = state { return retryAt }
        return nil
    }

    /// A generation, health check or other call failed in a way that says the backend is unwell.
    public mutating func recordFailure(at now: Date) -> Transition? {
        consecutiveFailures += 1
        switch state {
        case .open:
            return nil
        case .halfOpen:
            return open(at: now)
        case .closed:
            return consecutiveFailures >= settings.failureThreshold ? open(at: now) : nil
        }
    }

    /// A generation succeeded: the backend works.
    public mutating func recordSuccess() -> Transition? {
        consecutiveFailures = 0
        nextCooldown = settings.cooldown
        guard state != .closed else { return nil }
        state = .closed
        return .closed
    }

    /// Asked before each claim. An open circuit whose cooldown has passed turns half-open and lets the probe through.
    public mutating func admission(at now: Date) -> (Admission, Transition?) {
        guard case .open(let retryAt) = state else { return (.dispatch, nil) }
        guard now >= retryAt else { return (.wait(until: retryAt), nil) }
        state = .halfOpen
        return (.dispatch, .halfOpened)
    }

    private mutating func open(at now: Date) -> Transition {
        let retryAt = now.addingTimeInterval(nextCooldown.inSeconds)
        state = .open(retryAt: retryAt)
        nextCooldown = min(nextCooldown * 2, settings.maxCooldown)
        return .opened(retryAt: retryAt)
    }
}
