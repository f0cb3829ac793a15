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
public func withSDNextEmulator<Result: Sendable>(
    configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: (RunningEmulator) async throws -> Result
) async throws -> Result {
    try await withSDNextEmulators(count: 1, configuration: configuration, logger: logger) { try await body($0[0]) }
}

/// Starts `count` emulators (none when `count` is 0) in one `ServiceGroup`, waits until all listen, runs `body`
/// with them in order, then stops them; nothing is left running when this returns.
///
/// They are stopped by graceful shutdown, not cancellation, so their HTTP servers close connections cleanly
/// instead of logging an error. An emulator that the `exitProcess` fault stopped is not an error here: the body
/// asked for it (the group then stops the others too).
public func withSDNextEmulators<Result: Sendable>(
    count: Int,
    configuration: EmulatorConfiguration = EmulatorConfiguration(port: 0),
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: ([RunningEmulator]) async throws -> Result
) async throws -> Result {
    try await withSDNextEmulators(
        configurations: Array(repeating: configuration, count: max(count, 0)), logger: logger, body)
}

/// `withSDNextEmulators` with one configuration per emulator, so a pool can differ (catalogues, timings).
public func withSDNextEmulators<Result: Sendable>(
    configurations: [EmulatorConfiguration],
    logger: Logger = Logger(label: "sdnext-emulator"),
    _ body: ([RunningEmulator]) async throws -> Result
) async throws -> Result {
    let count = configurations.count
    guard count > 0 else { return try await body([]) }
    let (ports, portContinuation) = AsyncStream.makeStream(of: (index: Int, port: Int).self)
    let emulators = (0..<count).map { index in
        var numbered = logger
        if count > 1 { numbered[metadataKey: "emulator"] = "\(index + 1)" }
        return EmulatorServer(configuration: configurations[index], logger: numbered) { portContinuation.yield((index, $0)) }
    }
    let services = ServiceGroup(configuration: .init(services: emulators, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var listening: [Int: Int] = [:]
        for await (index, port) in ports {
            listening[index] = port
            if listening.count == count { break }
        }
        guard listening.count == count else {
            try await group.next()
            throw EmulatorStartError()
        }
        let running = emulators.indices.map { RunningEmulator(port: listening[$0] ?? 0, controls: emulators[$0].controls) }
        let result: Result
        do {
            result = try await body(running)
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
