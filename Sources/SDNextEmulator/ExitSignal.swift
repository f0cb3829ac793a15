/// One-shot signal from the `exitProcess` fault to the emulator's `run()`, which then stops the
/// server and throws `EmulatorExitError`.
struct ExitSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func trigger() { continuation.yield() }

    /// Waits for `trigger()`; returns false if the waiting task was cancelled first.
    func wait() async -> Bool {
        for await _ in stream { return true }
        return false
    }
}

/// Thrown by `EmulatorServer.run()` after the `exitProcess` fault stopped the server.
public struct EmulatorExitError: Error, CustomStringConvertible {
    public var description: String { "sdnext-emulator stopped by the exitProcess fault" }
}
