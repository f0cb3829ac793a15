import Logging
import SDNextEmulator
import ServiceLifecycle

/// Runs `count` SD.Next emulators in this process (one per concurrent job: each emulator, like SD.Next, runs
/// one generation at a time), hands their URLs to `body`, then shuts them down gracefully.
func withEmulatorFleet<Result: Sendable>(
    count: Int, stepDuration: Duration, _ body: ([String]) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "bench-emulator")
    logger.logLevel = .warning
    let configuration = EmulatorConfiguration(
        port: 0, stepDuration: stepDuration, stageGap: .milliseconds(2), modelLoadDuration: .milliseconds(20),
        rateLimitPerMinute: nil)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let emulators = (0..<max(1, count)).map { _ in
        EmulatorServer(configuration: configuration, logger: logger) { continuation.yield($0) }
    }
    let services = ServiceGroup(configuration: .init(services: emulators, logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        do {
            var urls: [String] = []
            for await port in ports {
                urls.append("http://127.0.0.1:\(port)")
                if urls.count == emulators.count { break }
            }
            let result = try await body(urls)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
