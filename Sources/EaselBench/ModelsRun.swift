import AsyncHTTPClient
import EaselBenchKit
import Foundation
import Logging
import NIOCore
import SDNextEmulator

/// `models`: a mixed workload over a heterogeneous pool. Four checkpoints; backend i has three of them (the i-th
/// loaded), so every job has three backends that can run it and one already holding its model at the start. The
/// same jobs (a fixed pseudo-random mix, submitted at once) run twice in one process, once with model-aware dispatch
/// and once with plain FIFO (`easel serve --dispatch fifo`), on fresh emulators each time. Model loads are counted
/// from where each job ran: a job whose model differs from what its backend last ran (or started with) loaded it.
struct ModelsRun {
    let settings: BenchSettings
    static let models = ["model-a", "model-b", "model-c", "model-d"]

    func run() async throws -> BenchReport {
        var metrics: [Metric] = []
        for mode in ["model-aware", "fifo"] {
            metrics += try await measure(mode).map { figure in
                var metric = figure
                metric.name = "\(figure.name) (\(mode))"
                return metric
            }
        }
        return BenchReport(scenario: "models", parameters: [
            "backends": "\(settings.jobs)", "jobs": "\(settings.modelJobs)", "steps_per_job": "\(Self.steps)",
            "step_ms": "\(Self.stepMilliseconds)", "model_load_ms": "\(settings.modelLoadMilliseconds)",
            "server_options": settings.serverOptions.joined(separator: " "),
        ], metrics: metrics)
    }

    static let steps = 6
    static let stepMilliseconds = 20

    private func pool() -> [EmulatorConfiguration] {
        (0..<settings.jobs).map { index in
            var configuration = EmulatorConfiguration(
                port: 0, stepDuration: .milliseconds(Self.stepMilliseconds), stageGap: .milliseconds(2),
                modelLoadDuration: .milliseconds(settings.modelLoadMilliseconds), rateLimitPerMinute: nil)
            configuration.models = (0..<3).map { Self.models[(index + $0) % Self.models.count] }
            configuration.loras = []
            return configuration
        }
    }

    /// The workload's models, the same in both modes: a linear congruential sequence from a fixed seed.
    private var mix: [String] {
        var state: UInt64 = 0x5eed
        return (0..<settings.modelJobs).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Self.models[Int((state >> 33) % UInt64(Self.models.count))]
        }
    }

    private func measure(_ mode: String) async throws -> [Metric] {
        var logger = Logger(label: "bench-emulator")
        logger.logLevel = .warning
        return try await withSDNextEmulators(configurations: pool(), logger: logger) { emulators in
            let urls = emulators.map(\.baseURL)
            let arguments = urls.flatMap { ["--sdnext", $0] } + ["--dispatch", mode, "--unsafe-poll-interval-ms", "100"]
                + settings.serverOptions
            return try await withServerProcess(binary: settings.serverBinary, arguments: arguments) { server in
                let hub = HubClient(port: server.port)
                let loaded = try await hub.waitForInventories(count: urls.count).mapValues(Self.name)
                let started = ContinuousClock.now
                let ids = try await submitAll(hub)
                while true {
                    let counters = try await hub.queueCounters()
                    if counters.completed + counters.failed >= Double(ids.count) { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let wall = (ContinuousClock.now - started).inSeconds
                return try await figures(hub, ids: ids, loaded: loaded, wall: wall)
            }
        }
    }

    private func submitAll(_ hub: HubClient) async throws -> [String] {
        var ids: [String] = []
        for (index, model) in mix.enumerated() {
            ids.append(try await hub.queueJob(steps: Self.steps, label: "\(index)", extra: #","model":"\#(model)""#))
        }
        return ids
    }

    private func figures(_ hub: HubClient, ids: [String], loaded: [String: String], wall: Double) async throws -> [Metric] {
        var runs: [(backend: String, model: String, started: Date, waited: Double, ok: Bool)] = []
        for id in ids {
            guard let job = try await hub.jobRecord(id), let model = job.model else { continue }
            runs.append((job.backend, Self.name(model), job.started, job.started.timeIntervalSince(job.created), job.completed))
        }
        var last = loaded
        var loads = 0
        for run in runs.sorted(by: { $0.started < $1.started }) {
            if last[run.backend] != run.model { loads += 1 }
            last[run.backend] = run.model
        }
        let waits = runs.map(\.waited).sorted()
        func percentile(_ share: Double) -> Double {
            waits.isEmpty ? 0 : waits[min(waits.count - 1, Int((Double(waits.count) * share).rounded(.up)) - 1)]
        }
        return [
            Metric("model loads per 100 jobs", runs.isEmpty ? 0 : Double(loads) * 100 / Double(runs.count), "load"),
            Metric("jobs/s", Double(runs.count) / wall, "job/s"),
            Metric("wait p50", percentile(0.5) * 1000, "ms"),
            Metric("wait p99", percentile(0.99) * 1000, "ms"),
            Metric("jobs completed", Double(runs.filter(\.ok).count), "job"),
        ]
    }

    /// `name [hash]` → `name`.
    private static func name(_ title: String) -> String {
        title.split(separator: " [").first.map(String.init) ?? title
    }
}
