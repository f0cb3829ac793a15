import ArgumentParser
import EaselCore
import EaselGeneration
import EaselServer
import Foundation
import Logging
import SDNextEmulator
import ServiceLifecycle

/// `easel serve`: the hub, with emulated SD.Next backends when no real one is given.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Easel server.",
        discussion: "With no --sdnext URL, one emulated SD.Next backend is started (use --emulator N for more).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8000

    @Option(name: .customLong("sdnext"), help: "SD.Next URL, http://[user:pass@]host:port (repeatable).")
    var sdnext: [String] = []

    @Option(help: "Start N emulated SD.Next backends in-process (default: 1 when no --sdnext is given).")
    var emulator: Int?

    @Option(name: .customLong("emulator-step-ms"), help: "Step time of the emulated backends, in milliseconds.")
    var emulatorStepMilliseconds = 50

    @Option(
        name: .customLong("emulator-models"),
        help: "Checkpoints of the emulated backends, NAME,NAME for all, or one list per emulator separated by ';'.")
    var emulatorModels: String?

    @Option(
        name: .customLong("emulator-loras"),
        help: "LoRAs of the emulated backends, NAME,NAME for all, or one list per emulator separated by ';'.")
    var emulatorLoRAs: String?

    @Option(help: "Folder for the database and images.")
    var dataDir = "./easel-data"

    @Option(help: "SQLite database file (default: easel.sqlite in the data folder).")
    var database: String?

    @Option(name: .customLong("poll-interval-ms"), help: "How often a running job's progress is polled (200 or more).")
    var pollIntervalMilliseconds = 250

    @Option(
        name: .customLong("unsafe-poll-interval-ms"),
        help: "Poll interval below the 200 ms floor, for emulated backends and benchmarks only (a real SD.Next rate-limits it); overrides --poll-interval-ms.")
    var unsafePollIntervalMilliseconds: Int?

    @Option(
        name: .customLong("write-delay-ms"),
        help: "How long broadcast frames wait so that events close together share one socket write (0 writes at once).")
    var writeDelayMilliseconds = 2

    @Option(
        name: .customLong("metrics-interval"),
        help: "Seconds between metrics_update messages to metrics subscribers (0.25 to 60).")
    var metricsInterval = 1.0

    @Option(name: .customLong("max-request-mib"), help: "Largest generation request body, in MiB (413 beyond it).")
    var maxRequestMiB = ParameterLimits().maxRequestBytes >> 20

    @Option(name: .customLong("max-image-mib"), help: "Largest input image, decoded, in MiB (413 beyond it).")
    var maxImageMiB = ParameterLimits().maxImageBytes >> 20

    @Option(help: "Which queued job a free backend takes: model-aware (prefer jobs whose model it has loaded) or fifo (the first job in line it can run).")
    var dispatch = "model-aware"

    @Option(
        name: .customLong("dispatch-patience-ms"),
        help: "How long a job that needs a model switch waits at most behind jobs of the loaded model.")
    var dispatchPatienceMilliseconds = 30_000

    @OptionGroup var webhooks: WebhookOptions

    @OptionGroup var retries: RetryOptions
    @Option(name: .customLong("max-batch-size"), help: "Most jobs one batch may hold (a larger one is refused: batch_too_large).")
    var maxBatchSize = EaselConfiguration().maxBatchSize

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard ["model-aware", "fifo"].contains(dispatch) else { throw ValidationError("--dispatch must be model-aware or fifo") }
        guard dispatchPatienceMilliseconds >= 0 else { throw ValidationError("--dispatch-patience-ms must not be negative") }
        guard Duration.milliseconds(pollIntervalMilliseconds) >= EaselConfiguration.minimumPollInterval else {
            throw ValidationError("--poll-interval-ms must be at least 200: SD.Next allows 300 requests a minute")
        }
        if let unsafePollIntervalMilliseconds, !(1...10_000).contains(unsafePollIntervalMilliseconds) {
            throw ValidationError("--unsafe-poll-interval-ms must be between 1 and 10000")
        }
        guard (0...100).contains(writeDelayMilliseconds) else { throw ValidationError("--write-delay-ms must be between 0 and 100") }
        guard (0.25...60).contains(metricsInterval) else {
            throw ValidationError("--metrics-interval must be between 0.25 and 60 seconds")
        }
        if let emulator, !(0...64).contains(emulator) { throw ValidationError("--emulator must be between 0 and 64") }
        guard (1...10_000).contains(emulatorStepMilliseconds) else {
            throw ValidationError("--emulator-step-ms must be between 1 and 10000")
        }
        guard (1...1_000_000).contains(maxBatchSize) else { throw ValidationError("--max-batch-size must be between 1 and 1000000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a level") }
        if sdnext.isEmpty, emulator == 0 { throw ValidationError("give at least one --sdnext URL or --emulator N") }
        _ = try emulatorConfigurations()
        _ = try webhooks.configuration()
    }

    private var emulatorCount: Int { emulator ?? (sdnext.isEmpty ? 1 : 0) }

    /// One configuration per emulated backend, with its slice of `--emulator-models`/`--emulator-loras`.
    private func emulatorConfigurations() throws -> [EmulatorConfiguration] {
        func lists(_ text: String?, _ flag: String) throws -> [[String]?] {
            guard let text else { return Array(repeating: nil, count: emulatorCount) }
            do { return try CatalogueList.perEmulator(text, count: emulatorCount) } catch {
                throw ValidationError("\(flag): \(error)")
            }
        }
        let models = try lists(emulatorModels, "--emulator-models")
        let loras = try lists(emulatorLoRAs, "--emulator-loras")
        return (0..<emulatorCount).map { index in
            var configuration = EmulatorConfiguration(port: 0)
            configuration.stepDuration = .milliseconds(emulatorStepMilliseconds)
            configuration.models = models[index]
            configuration.loras = loras[index]
            return configuration
        }
    }

    func run() async throws {
        var configuredLogger = Logger(label: "easel")
        configuredLogger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let logger = configuredLogger
        // The emulators outlive the hub: they stop after it has shut down and put its running jobs back.
        try await withSDNextEmulators(configurations: try emulatorConfigurations(), logger: logger) { emulators in
            try await runHub(backendURLs: sdnext + emulators.map(\.baseURL), logger: logger)
        }
    }

    private func runHub(backendURLs: [String], logger: Logger) async throws {
        var configuration = EaselConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.backendURLs = backendURLs
        configuration.dataDirectory = dataDir
        configuration.databasePath = database
        configuration.worker.pollInterval = .milliseconds(unsafePollIntervalMilliseconds ?? pollIntervalMilliseconds)
        configuration.realtime.writeDelay = .milliseconds(writeDelayMilliseconds)
        configuration.realtime.metricsInterval = .milliseconds(Int((metricsInterval * 1000).rounded()))
        configuration.limits.maxRequestBytes = maxRequestMiB << 20
        configuration.limits.maxImageBytes = maxImageMiB << 20
        configuration.webhooks = try webhooks.configuration()
        retries.apply(to: &configuration.worker)
        configuration.maxBatchSize = maxBatchSize
        configuration.worker.dispatch = DispatchPolicy(
            modelAware: dispatch == "model-aware", patience: .milliseconds(dispatchPatienceMilliseconds))
        let (host, logger) = (self.host, logger)
        let hub = EaselHub(configuration: configuration, logger: logger) { port in
            logger.notice("Easel is listening", metadata: ["url": "http://\(host):\(port)/"])
        }
        let group = ServiceGroup(configuration: .init(
            services: [hub], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
