import Logging
import ServiceLifecycle

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
///
/// The emulator runs in a `ServiceGroup` and is stopped by graceful shutdown, not cancellation,
/// so its HTTP server closes its connections cleanly instead of logging an error. An emulator that
/// the `exitProcess` fault already stopped is not an error here: the body asked for it.
public func withSDNextEmulator<Result: Sendable>(
    configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: (RunningEmulator) async throws -> Result
) async throws -> Result {
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let emulator = EmulatorServer(configuration: configuration, logger: logger) { port in
        portContinuation.yield(port)
    }
    let services = ServiceGroup(configuration: .init(services: [emulator], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw EmulatorStartError()
        }
        let result: Result
        do {
            result = try await body(RunningEmulator(port: port, controls: emulator.controls))
        } catch {
            await services.triggerGracefulShutdown()
            _ = try? await group.next()
            throw error
        }
        await services.triggerGracefulShutdown()
        do {
            try await group.next()
        } catch is EmulatorExitError {}
        return result
    }
}

/// `withSDNextEmulator` for `count` emulators at once (none when `count` is 0), each logging with its number.
public func withSDNextEmulators<Result: Sendable>(
    count: Int,
    configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: ([RunningEmulator]) async throws -> Result
) async throws -> Result {
    guard count > 0 else { return try await body([]) }
    var numbered = logger
    numbered[metadataKey: "emulator"] = "\(count)"
    return try await withSDNextEmulator(configuration: configuration, logger: numbered) { last in
        try await withSDNextEmulators(count: count - 1, configuration: configuration, logger: logger) { others in
            try await body(others + [last])
        }
    }
}
