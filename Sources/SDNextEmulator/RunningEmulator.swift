import Logging

/// A started emulator as `withSDNextEmulator` hands it to its body.
public struct RunningEmulator: Sendable {
    public let port: Int
    public let controls: EmulatorControls

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }
}

/// Reported when the emulator stopped before it was listening (e.g. the port was taken).
public struct EmulatorStartError: Error, CustomStringConvertible {
    public var description: String { "sdnext-emulator stopped before it started listening" }
}

/// Starts an emulator on its configured port (use port 0 in tests), waits until it listens,
/// runs `body`, then stops it; nothing is left running when this returns.
public func withSDNextEmulator<Result: Sendable>(
    configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: (RunningEmulator) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let emulator = SDNextEmulator(configuration: configuration, logger: logger) { port in
        portContinuation.yield(port)
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await emulator.run()
        }
        defer { group.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw EmulatorStartError()
        }
        let running = RunningEmulator(port: port, controls: emulator.controls)
        let result = try await body(running)
        group.cancelAll()
        return result
    }
}
