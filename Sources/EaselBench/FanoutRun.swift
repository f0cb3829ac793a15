import EaselBenchKit
import Foundation

/// N subscribers, M concurrent jobs: delivered messages/s, event→client latency, server CPU per message.
/// A share of the subscribers can be left out of the figures (`unmeasuredShare`) and made to stop reading
/// (`unmeasuredStall`); slow-consumer compares the two.
struct FanoutRun {
    let settings: BenchSettings
    let unmeasuredShare: Double
    let unmeasuredStall: Bool

    func run() async throws -> BenchReport {
        let workload = settings.workload
        let count = settings.subscribers
        let unmeasured = Int(Double(count) * unmeasuredShare)
        let stallPings = Int(settings.stallFloodMib * 1_048_576 / Double(SubscriberBehavior.stallPingBytes))
        return try await withBenchServer(settings, workload: workload) { server, hub in
            guard let idle = server.sample() else { throw ServerProcessError(description: "cannot read /proc of the server") }
            return try await withSubscriberPool(
                serverPort: server.port, threads: settings.clientThreads, sourceAddressCount: settings.sourceAddresses
            ) { pool in
                var jobIDs: [String] = []
                if settings.subscription == .perJob { jobIDs = try await queueJobs(workload, on: hub) }
                let perJobIDs = jobIDs
                await pool.connect(0..<count) { index in
                    SubscriberBehavior(
                        subscribeMessage: perJobIDs.isEmpty ? SubscriberBehavior.allJobs : SubscriberBehavior.job(perJobIDs[index % perJobIDs.count]),
                        measured: index >= unmeasured, stalls: unmeasuredStall && index < unmeasured, stallPings: stallPings)
                }
                guard await pool.waitForConfirmations(count, timeout: .seconds(120)) else {
                    throw SubscribeTimeout(wanted: count, confirmed: pool.counters.confirmations)
                }
                let connected = server.sample() ?? idle
                if jobIDs.isEmpty { jobIDs = try await queueJobs(workload, on: hub) }
                try await sleep(seconds: settings.warmup)
                let window = try MeasurementWindow(server: server, recorder: pool.recorder)
                try await sleep(seconds: settings.duration)
                var (metrics, _) = try window.finish(server: server, recorder: pool.recorder)
                metrics.append(Metric(
                    "server RSS per connection", Double(connected.residentBytes - idle.residentBytes) / Double(count) / 1024, "KiB"))
                let stats = try await hub.socketStats()
                metrics.append(Metric("connections at end (server stats)", Double(stats.connections), "conn"))
                if unmeasuredStall { metrics += try await stalledOutcome(pool, stalled: unmeasured, connectionsAtEnd: stats.connections) }
                return BenchReport(
                    scenario: unmeasuredStall ? "slow-consumer" : "fanout",
                    parameters: settings.parameters.merging(["measured_subscribers": "\(count - unmeasured)"]) { $1 },
                    metrics: metrics)
            }
        }
    }

    /// How the server dealt with the subscribers that stopped reading: it should have closed them (4008 or a
    /// dropped connection) while the others stayed.
    private func stalledOutcome(_ pool: SubscriberPool, stalled: Int, connectionsAtEnd: Int) async throws -> [Metric] {
        pool.resumeStalled()
        let deadline = ContinuousClock.now + .seconds(5)
        while pool.counters.stalledClosedByServer < stalled, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return [
            Metric("stalled subscribers", Double(stalled), "conn"),
            Metric("slow closes (server dropped a stalled client)", Double(settings.subscribers - connectionsAtEnd), "conn",
                   target: "= stalled subscribers"),
            Metric("close frames 4008 that reached a client", Double(pool.counters.slowConsumerCloses), "conn"),
            Metric("stalled clients found closed on resuming", Double(pool.counters.stalledClosedByServer), "conn"),
        ]
    }
}
