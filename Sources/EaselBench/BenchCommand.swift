import ArgumentParser
import EaselBenchKit
import Foundation

/// `easel-bench`: load generator and benchmark for Easel's progress socket. It starts the release server as a
/// child process against emulated backends hosted here, drives it with many subscriber sockets, and prints
/// what it measured (targets are shown beside the figures, never asserted).
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easel-bench",
        abstract: "Benchmark Easel's progress socket and job queue against its release binary.",
        discussion: """
            Scenarios: fanout (N subscribers, M jobs), idle-connections (RSS per connection), slow-consumer \
            (10 % of clients stop reading; healthy p99 with and without them), churn (connect/subscribe/drop \
            loops beside steady subscribers), models (a mixed-model workload over a heterogeneous pool of --jobs \
            emulators: model loads per 100 jobs, jobs/s and wait, model-aware against FIFO dispatch), queue (submit rate, claim time, dispatch rate and the active list \
            with 10k, 100k and 1M jobs queued), gateway (the same txt2img loop straight against an emulator and \
            through Easel's SD.Next-compatible API: added latency and requests/s; then a burst of concurrent calls \
            on several backends), metrics-subscribers (--subscribers sockets receiving metrics_update over an idle \
            queue: server CPU against the idle server), requests (socket request → reply times for --submits submit, \
            reprioritize and move requests at --subscribers subscribers of every job, the queue paused). Each stops by itself: the socket scenarios after --warmup + --duration seconds, \
            queue after its bounded samples at each size, gateway after its counted calls.
            """)

    @Argument(help: "fanout, idle-connections, slow-consumer, churn, models, queue or gateway.")
    var scenario: Scenario

    @Option(help: "The server binary to run (build it with `swift build -c release --product easel`).")
    var serverBinary = ".build/release/easel"

    @Option(
        name: .customLong("server-option"), parsing: .unconditionalSingleValue,
        help: "An extra argument for `easel serve`, repeatable (for example --server-option --write-delay-ms=0).")
    var serverOptions: [String] = []

    @Option(help: "Subscribers that receive events.")
    var subscribers = 1000

    @Option(help: "What each subscriber subscribes to: all (every job) or per-job (one job each).")
    var subscription = SubscriptionMode.all

    @Option(help: "Concurrent jobs, each on its own emulated backend (in queue: the fast emulators jobs are dispatched to).")
    var jobs = 10

    @Option(help: "progress_update messages per second per job (below 5, the server's safe poll floor holds).")
    var updatesPerSecond = 4.0

    @Option(help: "Seconds measured.")
    var duration = 10.0

    @Option(help: "Seconds of load before measuring.")
    var warmup = 2.0

    @Option(help: "Connections for idle-connections (capped by the open-file limit).")
    var idleConnections = 19_500

    @Option(help: "Share of subscribers that stop reading in slow-consumer.")
    var stallFraction = 0.1

    @Option(help: "MiB of padded pings each stalled subscriber sends (answered with pongs it does not read), so the server's send buffer fills and its write watchdog acts within the run; 0 = only stop reading.")
    var stallFloodMib = 0.0

    @Option(help: "Concurrent connect/subscribe/drop loops in churn.")
    var churnWorkers = 8

    @Option(help: "queue: queue sizes, growing, e.g. 10k,100k,1M (the database is filled to each in turn).")
    var sizes = "10000,100000,1000000"

    @Option(help: "queue: REST submits per sample.")
    var submits = 2000

    @Option(help: "queue: concurrent submitting clients.")
    var submitClients = 4

    @Option(help: "queue: claimNext calls timed in-process at each size.")
    var claims = 500

    @Option(help: "queue: sequential GET /api/v1/generation/jobs/active?limit=50 per sample.")
    var activeRequests = 200

    @Option(help: "queue: seconds a sample (claims, submits, active-list requests) may last before it ends with what it has.")
    var sampleSeconds = 30.0

    @Option(help: "models: jobs in the mixed workload (each names one of four checkpoints; each backend has three).")
    var modelJobs = 200

    @Option(help: "models: how long an emulated backend takes to load a checkpoint, in milliseconds.")
    var modelLoadMs = 300

    @Option(help: "gateway: measured txt2img calls per loop (direct, through the gateway, through Easel's generate).")
    var gatewayGenerations = 200

    @Option(help: "gateway: step time of the loop's emulator, in milliseconds (each call runs 4 steps).")
    var gatewayStepMs = 5

    @Option(help: "gateway: width and height of every call's image (the burst's too), a multiple of 8.")
    var gatewaySize = 512

    @Option(help: "gateway: concurrent gateway calls in the burst.")
    var burstCalls = 50

    @Option(help: "gateway: emulated backends in the burst.")
    var burstBackends = 4

    @Option(help: "gateway: step time of the burst's emulators, in milliseconds (4 steps per call).")
    var burstStepMs = 75

    @Option(help: "Event loop threads of the subscriber clients.")
    var clientThreads = 2

    @Option(help: "Client source addresses, 127.0.0.2 onwards (each has its own ephemeral ports).")
    var sourceAddresses = 16

    @Option(help: "Repetitions; with more than one, the median of each figure is reported too.")
    var runs = 1

    @Option(help: "Where to write the JSON results.")
    var json = "bench-results.json"

    func validate() throws {
        guard FileManager.default.isExecutableFile(atPath: serverBinary) else {
            throw ValidationError("no server binary at \(serverBinary); build it with `swift build -c release --product easel`")
        }
        guard subscribers > 0, jobs > 0, (1...64).contains(jobs), runs > 0, duration > 0, warmup >= 0, updatesPerSecond > 0 else {
            throw ValidationError("--subscribers, --runs, --duration and --updates-per-second must be positive; --jobs 1...64")
        }
        guard (0..<1).contains(stallFraction), clientThreads > 0, (1...250).contains(sourceAddresses) else {
            throw ValidationError("--stall-fraction must be in [0, 1), --client-threads positive, --source-addresses 1...250")
        }
        do throws(QueueSizesError) { _ = try QueueSizes.parse(sizes) } catch { throw ValidationError(error.description) }
        guard modelJobs > 0, modelLoadMs >= 0 else { throw ValidationError("--model-jobs must be positive, --model-load-ms not negative") }
        guard submits > 0, (1...64).contains(submitClients), claims > 0, activeRequests > 0, sampleSeconds > 0 else {
            throw ValidationError("--submits, --claims, --active-requests and --sample-seconds must be positive; --submit-clients 1...64")
        }
        guard gatewayGenerations > 0, gatewayStepMs >= 0, (64...2048).contains(gatewaySize), gatewaySize % 8 == 0, (1...1000).contains(burstCalls), (1...64).contains(burstBackends), burstStepMs >= 0 else {
            throw ValidationError("--gateway-generations must be positive, --gateway-size a multiple of 8 in 64...2048, --burst-calls 1...1000, --burst-backends 1...64, step times not negative")
        }
    }

    func run() async throws {
        let signalSources = installInterruptHandlers()
        defer { signalSources.forEach { $0.cancel() } }
        let settings = BenchSettings(command: self, openFileLimit: raiseOpenFileLimit())
        var reports: [BenchReport] = []
        for run in 1...runs {
            var report = try await scenario.run(settings)
            report.notes.append("load average at the end (other processes share the 2 cores): \(loadAverage())")
            print((report.sizeTable() ?? report.table()) + (runs > 1 ? "  (run \(run) of \(runs))" : "") + "\n")
            reports.append(report)
        }
        if runs > 1, let median = BenchReport.median(of: reports) {
            print((median.sizeTable() ?? median.table()) + "\n")
            reports.append(median)
        }
        try BenchReport.write(reports, to: json)
        print("wrote \(json)")
    }
}

/// `/proc/loadavg`'s 1, 5 and 15 minute figures.
private func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// What subscribers subscribe to.
enum SubscriptionMode: String, ExpressibleByArgument, Sendable {
    case all
    case perJob = "per-job"
}
