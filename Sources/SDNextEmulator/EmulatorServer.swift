import Hummingbird
import Logging
import ServiceLifecycle

/// A stand-in for an SD.Next server: the same routes, bodies, stage-by-stage progress, global
/// generation lock and error shapes, with procedurally drawn images instead of a GPU.
///
/// Easel's demos, end-to-end tests and benchmarks talk to it, and its faults let tests reproduce
/// SD.Next's failure modes on demand. Run it as a `Service` or through `withSDNextEmulator`.
public struct EmulatorServer: Service {
    public let configuration: EmulatorConfiguration
    public let controls: EmulatorControls
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    public init(
        configuration: EmulatorConfiguration,
        logger: Logger = Logger(label: "sdnext-emulator"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        controls = EmulatorControls(faults: configuration.faults)
    }

    /// Serves until cancelled or gracefully shut down; throws `EmulatorExitError` when the
    /// `exitProcess` fault fires. Work still queued at shutdown is failed, none is left running.
    /// A graceful shutdown also cancels the generation in hand (SD.Next's would be cut short by its
    /// process exiting), so the server's wait for in-flight requests ends promptly.
    public func run() async throws {
        let state = EmulatorState(
            samplesFormat: configuration.samplesFormat, rateLimit: configuration.rateLimitPerMinute,
            flavor: configuration.flavor,
            catalogue: Catalogue(models: configuration.models, loras: configuration.loras))
        let queue = GenerationQueue()
        let exitSignal = ExitSignal()
        let runner = GenerationRunner(
            state: state, controls: controls,
            timings: StageTimings(
                step: configuration.stepDuration, gap: configuration.stageGap,
                modelLoad: configuration.modelLoadDuration))
        let router = EmulatorRouter(
            configuration: configuration, state: state, queue: queue, runner: runner, controls: controls,
            exitSignal: exitSignal
        ).build()
        let onListening = self.onListening
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await cancelWhenGracefulShutdown { await queue.runWorker() } }
            group.addTask { try await app.run() }
            group.addTask {
                if await exitSignal.wait() { throw EmulatorExitError() }
            }
            defer { group.cancelAll() }
            do {
                try await group.next()
            } catch {
                await queue.close()
                throw error
            }
            await queue.close()
        }
    }
}

extension EmulatorServer: CustomStringConvertible {
    /// Short, and without the configuration: `ServiceGroup` logs its services, and the
    /// configuration holds the Basic-auth password.
    public var description: String { "EmulatorServer(\(configuration.host):\(configuration.port))" }
}
