import EaselBenchKit
import Foundation

/// Many connections that each subscribe to one job and then only wait: server memory per connection, from
/// VmRSS before and after they connect.
struct IdleConnectionsRun {
    let settings: BenchSettings
    /// File descriptors kept free in each process for everything but client sockets.
    static let reservedDescriptors = 400

    func run() async throws -> BenchReport {
        let count = min(settings.idleConnections, settings.openFileLimit - Self.reservedDescriptors)
        let workload = Workload(concurrentJobs: 1, updatesPerSecond: 4, runSeconds: 1)
        return try await withBenchServer(settings, workload: workload) { server, hub in
            _ = try await hub.socketStats()
            try await sleep(seconds: 1)
            guard let before = server.sample() else { throw ServerProcessError(description: "cannot read /proc of the server") }
            return try await withSubscriberPool(
                serverPort: server.port, threads: settings.clientThreads, sourceAddressCount: settings.sourceAddresses
            ) { pool in
                let started = ContinuousClock.now
                let failures = await pool.connect(0..<count, concurrency: 256) { index in
                    SubscriberBehavior(subscribeMessage: SubscriberBehavior.job("idle-job-\(index % 1000)"), measured: false)
                }
                let confirmed = await pool.waitForConfirmations(count - failures, timeout: .seconds(180))
                let connectSeconds = (ContinuousClock.now - started).inSeconds
                try await sleep(seconds: 2)
                guard let after = server.sample() else { throw ServerProcessError(description: "the server exited") }
                let stats = try await hub.socketStats()
                let open = max(1, stats.connections)
                var notes: [String] = []
                if count < settings.idleConnections {
                    notes.append("capped at \(count): the open-file limit is \(settings.openFileLimit) per process")
                }
                if !confirmed { notes.append("only \(pool.counters.confirmations) subscriptions were confirmed") }
                return BenchReport(
                    scenario: "idle-connections",
                    parameters: ["connections": "\(count)", "client_threads": "\(settings.clientThreads)"],
                    metrics: [
                        Metric("connections open (server stats)", Double(stats.connections), "conn", target: "20000"),
                        Metric("connect failures", Double(failures), "conn"),
                        Metric("connect + subscribe time", connectSeconds, "s"),
                        Metric("server RSS before", Double(before.residentBytes) / 1_048_576, "MiB"),
                        Metric("server RSS with connections", Double(after.residentBytes) / 1_048_576, "MiB"),
                        Metric("server RSS per connection", Double(after.residentBytes - before.residentBytes) / Double(open) / 1024,
                               "KiB", target: "≤ 16"),
                    ],
                    notes: notes)
            }
        }
    }
}
