import Testing

/// Re-checks `condition` every `interval` until it holds, `seconds` pass or the task is cancelled; returns whether
/// it held. For state that other tasks change and that sends no event to wait for (a health check, a process
/// exiting, a server's counters).
public func eventually(
    within seconds: Double = 20, every interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline, !Task.isCancelled {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// `eventually`, recording a test issue named `what` and throwing when the condition never held.
public func waitUntil(
    _ what: String, within seconds: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    guard try await eventually(within: seconds, every: .milliseconds(5), condition) else {
        Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
        throw TestFailure("timed out waiting for \(what)")
    }
}

/// A test support failure with its reason.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
