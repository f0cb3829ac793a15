import Logging
import SDNextEmulator

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
    return try await withSDNextEmulators(count: max(1, count), configuration: configuration, logger: logger) { emulators in
        try await body(emulators.map(\.baseURL))
    }
}
