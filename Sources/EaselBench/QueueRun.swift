import EaselBenchKit
import Foundation

/// The queue at growing sizes (`--sizes`): the database file is filled directly, then at each size the scenario
/// times `claimNext` in-process, starts the release server with no reachable backend to time submits and the
/// active list without dispatch, and starts it again on fast emulators to measure the dispatch rate and the same
/// requests while jobs are being dispatched. Every figure is a metric named `<figure> @ <size>`.
struct QueueRun {
    let settings: BenchSettings

    private var sampleLimit: Duration { .milliseconds(Int(settings.sampleSeconds * 1000)) }

    func run() async throws -> BenchReport {
        let start = ContinuousClock.now
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-bench-queue-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = QueueDatabase(path: folder + "/queue.sqlite")
        var metrics: [Metric] = []
        var notes: [String] = []
        for size in settings.sizes {
            let (figures, sizeNotes) = try await measure(size: size, in: database)
            metrics += figures.map { figure in
                var metric = figure
                metric.name = BenchReport.metricName(figure.name, size: size)
                return metric
            }
            notes += sizeNotes.map { "\(size) queued: \($0)" }
            print("queue: \(size) measured after \(BenchReport.format((ContinuousClock.now - start).inSeconds)) s")
            fflush(nil)  // flushes stdout too: a long run shows its progress even when its output is a file
        }
        metrics.append(Metric("scenario wall time", (ContinuousClock.now - start).inSeconds, "s"))
        return BenchReport(scenario: "queue", parameters: parameters, metrics: metrics, notes: notes)
    }

    private var parameters: [String: String] {
        [
            "sizes": settings.sizes.map(String.init).joined(separator: ","), "backends": "\(settings.jobs)",
            "submits": "\(settings.submits)", "submit_clients": "\(settings.submitClients)", "claims": "\(settings.claims)",
            "active_requests": "\(settings.activeRequests)", "sample_limit_s": BenchReport.format(settings.sampleSeconds),
            "duration_s": BenchReport.format(settings.duration), "server_options": settings.serverOptions.joined(separator: " "),
        ]
    }

    private func measure(size: Int, in database: QueueDatabase) async throws -> ([Metric], [String]) {
        var notes: [String] = []
        let fill = try await database.fill(to: size)
        if fill.queued < size { notes.append("the fill stopped at its time limit with \(fill.queued) jobs queued") }
        let claims = try await database.timeClaims(count: settings.claims, timeLimit: sampleLimit)
        if claims.samples < settings.claims { notes.append("\(claims.samples) of \(settings.claims) claims fitted in the sample limit") }
        var metrics = [
            Metric("queued when the server starts", Double(fill.queued), "job"),
            Metric("fill: jobs added (batch insert)", Double(fill.added), "job"),
            Metric("fill rate", fill.seconds > 0 ? Double(fill.added) / fill.seconds : 0, "job/s"),
            Metric("claimNext p50 (in-process, no server)", claims.p50Milliseconds, "ms"),
            Metric("claimNext p99", claims.p99Milliseconds, "ms"),
            Metric("claimNext samples", Double(claims.samples), "claim"),
        ]
        metrics += try await withoutDispatch(database, notes: &notes)
        metrics += try await whileDispatching(database, notes: &notes)
        return (metrics, notes)
    }

    /// The server on the database with a backend that refuses connections, so nothing is claimed.
    private func withoutDispatch(_ database: QueueDatabase, notes: inout [String]) async throws -> [Metric] {
        let (active, submits) = try await withRefusingBackend { url in
            try await withServerProcess(binary: settings.serverBinary, arguments: serverArguments(["--sdnext", url], database)) { server in
                let probes = QueueProbes(hub: HubClient(port: server.port), timeLimit: sampleLimit)
                let active = await probes.activeList(count: settings.activeRequests)
                return (active, await probes.submits(total: settings.submits, clients: settings.submitClients))
            }
        }
        notes += failures(active, "active-list requests without dispatch") + failures(submits, "submits without dispatch")
        return figures(active: active, submits: submits, when: "no dispatch")
    }

    /// The server on `--jobs` emulators with 1 ms steps and no rate limit: jobs finished per second over the
    /// window after the warm-up, then the same requests as without dispatch while it goes on.
    private func whileDispatching(_ database: QueueDatabase, notes: inout [String]) async throws -> [Metric] {
        let measured = try await withEmulatorFleet(count: settings.jobs, stepDuration: .milliseconds(1)) { urls in
            try await withServerProcess(
                binary: settings.serverBinary, arguments: serverArguments(urls.flatMap { ["--sdnext", $0] }, database)
            ) { server in
                let hub = HubClient(port: server.port)
                try await sleep(seconds: settings.warmup)
                let start = ContinuousClock.now
                let (before, cpuBefore) = (try await hub.queueCounters(), server.sample())
                try await sleep(seconds: settings.duration)
                let (after, cpuAfter) = (try await hub.queueCounters(), server.sample())
                let elapsed = (ContinuousClock.now - start).inSeconds
                let probes = QueueProbes(hub: hub, timeLimit: sampleLimit)
                let active = await probes.activeList(count: settings.activeRequests)
                let submits = await probes.submits(total: settings.submits, clients: settings.submitClients)
                let cpu = (cpuAfter?.cpuSeconds ?? 0) - (cpuBefore?.cpuSeconds ?? 0)
                return (before, after, elapsed, cpu, active, submits)
            }
        }
        let (before, after, elapsed, cpu, active, submits) = measured
        notes += failures(active, "active-list requests while dispatching") + failures(submits, "submits while dispatching")
        if after.failed > before.failed { notes.append("\(Int(after.failed - before.failed)) jobs failed in the dispatch window") }
        return [
            Metric("dispatch rate (jobs completed/s)", (after.completed - before.completed) / elapsed, "job/s"),
            Metric("server CPU while dispatching", cpu / elapsed * 100, "% of a core"),
            Metric("queue depth at window start", before.queueDepth, "job"),
            Metric("queue depth at window end", after.queueDepth, "job"),
        ] + figures(active: active, submits: submits, when: "dispatching")
    }

    private func serverArguments(_ backends: [String], _ database: QueueDatabase) -> [String] {
        backends + ["--database", database.path] + settings.workload.serverPollArguments + settings.serverOptions
    }

    private func figures(active: QueueProbes.Sample, submits: QueueProbes.Sample, when: String) -> [Metric] {
        [
            Metric("jobs/active?limit=50 p50, \(when)", active.timing.summary.p50Milliseconds, "ms"),
            Metric("jobs/active?limit=50 p99, \(when)", active.timing.summary.p99Milliseconds, "ms"),
            Metric("jobs/active requests, \(when)", Double(active.succeeded), "req"),
            Metric("submit rate, \(when)", submits.perSecond, "job/s"),
            Metric("submit p99, \(when)", submits.timing.summary.p99Milliseconds, "ms"),
            Metric("submits, \(when)", Double(submits.succeeded), "job"),
        ]
    }

    private func failures(_ sample: QueueProbes.Sample, _ what: String) -> [String] {
        sample.failed > 0 ? ["\(sample.failed) \(what) failed"] : []
    }
}
