import EaselTesting
import Logging
import SDNext
import SDNextEmulator
import Testing

/// Starts an emulator, hands a client for it to `body`, and stops the emulator afterwards.
func withEmulatorClient<Result: Sendable>(
    _ emulatorConfiguration: EmulatorConfiguration = .testing(),
    configure: (inout SDNextConfiguration) -> Void = { _ in },
    _ body: (SDNextClient, RunningEmulator) async throws -> Result
) async throws -> Result {
    try await withSDNextEmulator(configuration: emulatorConfiguration, logger: quietEmulatorLogger) { emulator in
        var configuration = SDNextConfiguration(baseURL: emulator.baseURL)
        configure(&configuration)
        return try await body(SDNextClient(configuration: configuration), emulator)
    }
}

/// Every emulator logs its start and the fault tests provoke server-side errors; tests only want to see failures of their own.
let quietEmulatorLogger: Logger = {
    var logger = Logger(label: "sdnext-emulator")
    logger.logLevel = .critical
    return logger
}()

/// Small images keep the emulator's encoding cheap.
func smallTxt2Img(steps: Int, nIter: Int = 1, seed: Int = 1234) -> Txt2ImgRequest {
    Txt2ImgRequest(GenerationFields(prompt: "a red fox", steps: steps, seed: seed), width: 64, height: 64, nIter: nIter)
}

/// Runs `operation` while another child task polls `/progress` every `interval` and collects the snapshots.
func collectingProgress<Value: Sendable>(
    _ client: SDNextClient,
    every interval: Duration = .milliseconds(10),
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> (Value, [(ContinuousClock.Instant, ProgressSnapshot)]) {
    try await withThrowingTaskGroup(of: PollOutcome<Value>.self) { group in
        group.addTask { .finished(try await operation()) }
        group.addTask {
            var snapshots: [(ContinuousClock.Instant, ProgressSnapshot)] = []
            while !Task.isCancelled {
                if let snapshot = try? await client.progress() {
                    snapshots.append((.now, snapshot))
                }
                try? await Task.sleep(for: interval)
            }
            return .polled(snapshots)
        }
        var value: Value?
        var snapshots: [(ContinuousClock.Instant, ProgressSnapshot)] = []
        while let outcome = try await group.next() {
            switch outcome {
            case .finished(let result):
                value = result
                group.cancelAll()
            case .polled(let polled):
                snapshots = polled
            }
        }
        return (try #require(value), snapshots)
    }
}

enum PollOutcome<Value: Sendable>: Sendable {
    case finished(Value)
    case polled([(ContinuousClock.Instant, ProgressSnapshot)])
}
