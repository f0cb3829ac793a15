import EaselBenchKit
import Foundation

/// `--subscribers` sockets that subscribe to metrics only, over an idle queue: the server's CPU over `--duration`
/// while it sends each of them a `metrics_update` every interval, against the same window before any socket
/// connected. The target: updates to 1,000 subscribers cost at most 5 % of one core.
struct MetricsSubscribersRun {
    let settings: BenchSettings

    func run() async throws -> BenchReport {
        let count = min(settings.subscribers, settings.openFileLimit - IdleConnectionsRun.reservedDescriptors)
        let workload = Workload(concurrentJobs: 1, updatesPerSecond: 4, runSeconds: 1)
        return try await withBenchServer(settings, workload: workload) { server, hub in
            _ = try await hub.socketStats()
            try await sleep(seconds: settings.warmup)
            let idle = try await cpuShare(of: server)
            return try await withSubscriberPool(
                serverPort: server.port, threads: settings.clientThreads, sourceAddressCount: settings.sourceAddresses
            ) { pool in
                let failures = await pool.connect(0..<count, concurrency: 256) { _ in
                    SubscriberBehavior(subscribeMessage: #"{"type":"subscribe","metrics":true}"#, measured: false)
                }
                let confirmed = await pool.waitForConfirmations(count - failures, timeout: .seconds(120))
                try await sleep(seconds: settings.warmup)
                let before = try await delivered(hub)
                let share = try await cpuShare(of: server)
                let updates = try await delivered(hub) - before
                let stats = try await hub.socketStats()
                var notes: [String] = []
                if !confirmed { notes.append("only \(pool.counters.confirmations) subscriptions were confirmed") }
                return BenchReport(
                    scenario: "metrics-subscribers",
                    parameters: ["subscribers": "\(count)", "window_seconds": "\(settings.duration)"],
                    metrics: [
                        Metric("metrics subscribers connected", Double(stats.connections), "conn"),
                        Metric("connect failures", Double(failures), "conn"),
                        Metric("metrics_update frames delivered", updates, "msg"),
                        Metric("metrics_update frames per second", updates / settings.duration, "msg/s"),
                        Metric("server CPU, idle, no sockets", idle, "% of a core"),
                        Metric("server CPU with metrics subscribers", share, "% of a core"),
                        Metric("server CPU for metrics_update", share - idle, "% of a core", target: "≤ 5"),
                    ],
                    notes: notes)
            }
        }
    }

    /// The server's CPU time over `--duration` seconds, as a percentage of one core.
    private func cpuShare(of server: ServerProcess) async throws -> Double {
        guard let start = server.sample() else { throw ServerProcessError(description: "cannot read /proc of the server") }
        try await sleep(seconds: settings.duration)
        guard let end = server.sample() else { throw ServerProcessError(description: "the server exited") }
        return (end.cpuSeconds - start.cpuSeconds) / settings.duration * 100
    }

    /// Frames handed to connection outboxes so far (the server's `easel_ws_messages_delivered_total`).
    private func delivered(_ hub: HubClient) async throws -> Double {
        PrometheusText.sum("easel_ws_messages_delivered_total", in: String(buffer: try await hub.get("/metrics")), matching: [:]) ?? 0
    }
}
