import ArgumentParser
import Foundation
import Logging
import SDNextEmulator
import ServiceLifecycle

/// `sdnext-emulator`: serves the SD.Next emulator until SIGINT/SIGTERM; exits 1 when the
/// `--fault-exit` fault stops it.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdnext-emulator", abstract: "An SD.Next API emulator with procedural images and fault injection.")

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 = ephemeral).") var port = 7860
    @Option(help: "Require HTTP Basic auth, as user:pass.") var auth: String?
    @Option(name: .customLong("step-ms"), help: "Milliseconds per sampling step.") var stepMilliseconds = 50
    @Option(name: .customLong("gap-ms"), help: "Milliseconds per non-sampling stage and gap.") var gapMilliseconds = 10
    @Option(name: .customLong("model-load-ms"), help: "Milliseconds a model load takes.") var modelLoadMilliseconds = 300
    @Option(help: "Image format: jpg or png (default: the flavor's, png on a1111).") var samplesFormat: SamplesFormat?
    @Option(help: "Server to impersonate: sdnext, sdnext-2025-08 or a1111.") var flavor: Flavor = .sdnext
    @Option(help: "Checkpoints this backend has, NAME,NAME (the first is loaded; default: the built-in three).")
    var models: String?
    @Option(help: "LoRAs this backend has, NAME,NAME (default: the built-in three).") var loras: String?
    @Flag(help: "Generation answers 500 with SD.Next's RuntimeError body.") var faultServerError = false
    @Flag(help: "Generation answers 200 with no images.") var faultEmptyImages = false
    @Flag(help: "Generation stalls in Inference until interrupted.") var faultHang = false
    @Option(name: .customLong("fault-delay-ms"), help: "Delay every response by this many ms.") var faultDelayMilliseconds = 0
    @Flag(help: "Generation: close the connection mid-response.") var faultDropConnection = false
    @Flag(help: "/sdapi/v1/progress answers 500.") var faultProgressFailure = false
    @Flag(help: "Every /sdapi call answers 429.") var faultRateLimited = false
    @Flag(help: "Exit (status 1) on the next request.") var faultExit = false
    @Flag(help: "Disable the 300/min rate limiter.") var noRateLimit = false
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).") var logLevel: Logger.Level = .info

    func run() async throws {
        let logger = makeLogger()
        let emulator = EmulatorServer(configuration: try makeConfiguration(), logger: logger) { port in
            logger.info("SD.Next emulator listening", metadata: ["port": "\(port)"])
        }
        let group = ServiceGroup(
            configuration: .init(services: [emulator], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("Emulator stopped", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }

    private func makeLogger() -> Logger {
        var logger = Logger(label: "sdnext-emulator")
        logger.logLevel = logLevel
        return logger
    }

    private func makeConfiguration() throws -> EmulatorConfiguration {
        var faults = FaultSettings()
        faults.serverError = faultServerError
        faults.emptyImages = faultEmptyImages
        faults.hang = faultHang
        faults.responseDelayMs = faultDelayMilliseconds
        faults.dropConnection = faultDropConnection
        faults.progressFailure = faultProgressFailure
        faults.rateLimited = faultRateLimited
        faults.exitProcess = faultExit
        var credentials: EmulatorCredentials?
        if let auth {
            guard let colon = auth.firstIndex(of: ":") else {
                throw ValidationError("--auth must be user:pass")
            }
            credentials = EmulatorCredentials(
                username: String(auth[..<colon]), password: String(auth[auth.index(after: colon)...]))
        }
        var configuration = EmulatorConfiguration(
            host: host, port: port, credentials: credentials, stepDuration: .milliseconds(stepMilliseconds),
            stageGap: .milliseconds(gapMilliseconds), modelLoadDuration: .milliseconds(modelLoadMilliseconds),
            samplesFormat: samplesFormat, faults: faults, rateLimitPerMinute: noRateLimit ? nil : 300,
            flavor: flavor)
        configuration.models = models.map(CatalogueList.names)
        configuration.loras = loras.map(CatalogueList.names)
        return configuration
    }
}

extension SamplesFormat: ExpressibleByArgument {}
extension Flavor: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
