import EaselBenchKit

/// The parsed command line as the scenarios use it.
struct BenchSettings: Sendable {
    var serverBinary: String
    var serverOptions: [String]
    var subscribers: Int
    var subscription: SubscriptionMode
    var jobs: Int
    var updatesPerSecond: Double
    var duration: Double
    var warmup: Double
    var idleConnections: Int
    var stallFraction: Double
    var stallFloodMib: Double
    var churnWorkers: Int
    var clientThreads: Int
    var sourceAddresses: Int
    /// The open-file limit after raising it; the server child has the same.
    var openFileLimit: Int
    /// queue: sizes to fill to, growing; and the bounds of each sample.
    var sizes: [Int]
    var submits: Int
    var submitClients: Int
    var claims: Int
    var activeRequests: Int
    var sampleSeconds: Double
    var modelJobs: Int
    var modelLoadMilliseconds: Int
    /// gateway: calls per loop, the fast emulator's step, and the burst.
    var gatewayGenerations: Int
    var gatewayStepMilliseconds: Int
    var gatewaySize: Int
    var burstCalls: Int
    var burstBackends: Int
    var burstStepMilliseconds: Int

    init(command: BenchCommand, openFileLimit: Int) {
        serverBinary = command.serverBinary
        serverOptions = command.serverOptions
        subscribers = command.subscribers
        subscription = command.subscription
        jobs = command.jobs
        updatesPerSecond = command.updatesPerSecond
        duration = command.duration
        warmup = command.warmup
        idleConnections = command.idleConnections
        stallFraction = command.stallFraction
        stallFloodMib = command.stallFloodMib
        churnWorkers = command.churnWorkers
        clientThreads = command.clientThreads
        sourceAddresses = command.sourceAddresses
        self.openFileLimit = openFileLimit
        sizes = (try? QueueSizes.parse(command.sizes)) ?? []
        submits = command.submits
        submitClients = command.submitClients
        claims = command.claims
        activeRequests = command.activeRequests
        sampleSeconds = command.sampleSeconds
        modelJobs = command.modelJobs
        modelLoadMilliseconds = command.modelLoadMs
        gatewayGenerations = command.gatewayGenerations
        gatewayStepMilliseconds = command.gatewayStepMs
        gatewaySize = command.gatewaySize
        burstCalls = command.burstCalls
        burstBackends = command.burstBackends
        burstStepMilliseconds = command.burstStepMs
    }

    /// Jobs, rate and run length as server and emulator settings (the run spans warm-up, window and slack).
    var workload: Workload {
        Workload(concurrentJobs: jobs, updatesPerSecond: updatesPerSecond, runSeconds: warmup + duration + 3)
    }

    /// The settings a report lists.
    var parameters: [String: String] {
        [
            "subscribers": "\(subscribers)", "subscription": subscription.rawValue, "jobs": "\(jobs)",
            "updates_per_second": BenchReport.format(updatesPerSecond), "duration_s": BenchReport.format(duration),
            "client_threads": "\(clientThreads)", "server_options": serverOptions.joined(separator: " "),
        ]
    }
}
