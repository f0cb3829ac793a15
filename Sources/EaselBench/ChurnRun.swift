import EaselBenchKit
import Foundation

/// Steady subscribers receive events while churn workers connect, subscribe (to one job, or to all jobs) and
/// drop the connection without a close frame, over and over. Reports the churn rate, the steady subscribers'
/// latency during it, and whether the server's registry returns to the steady state afterwards.
struct ChurnRun {
    let settings: BenchSettings

    func run() async throws -> BenchReport {
        let workload = settings.workload
        let steady = settings.subscribers
        return try await withBenchServer(settings, workload: workload) { server, hub in
            try await withSubscriberPool(
                serverPort: server.port, threads: settings.clientThreads, sourceAddressCount: settings.sourceAddresses
            ) { pool in
                await pool.connect(0..<steady) { _ in SubscriberBehavior(subscribeMessage: SubscriberBehavior.allJobs) }
                guard await pool.waitForConfirmations(steady, timeout: .seconds(120)) else {
                    throw SubscribeTimeout(wanted: steady, confirmed: pool.counters.confirmations)
                }
                let jobIDs = try await queueJobs(workload, on: hub)
                try await sleep(seconds: settings.warmup)
                guard let before = server.sample() else { throw ServerProcessError(description: "the server exited") }
                let window = try MeasurementWindow(server: server, recorder: pool.recorder)
                let deadline = ContinuousClock.now + .milliseconds(Int(settings.duration * 1000))
                let (cycles, failures) = await withTaskGroup(of: (cycles: Int, failures: Int).self) { group in
                    for worker in 0..<settings.churnWorkers {
                        group.addTask {
                            var cycle = 0
                            var failures = 0
                            while ContinuousClock.now < deadline {
                                let index = steady + worker + cycle * settings.churnWorkers
                                let message = cycle % 2 == 0 ? SubscriberBehavior.job(jobIDs[index % jobIDs.count]) : SubscriberBehavior.allJobs
                                do {
                                    let channel = try await pool.openConfirmed(index, behavior: SubscriberBehavior(subscribeMessage: message, measured: false))
                                    await pool.close(channel)
                                } catch {
                                    failures += 1
                                }
                                cycle += 1
                            }
                            return (cycle - failures, failures)
                        }
                    }
                    return await group.reduce(into: (0, 0)) { $0.0 += $1.cycles; $0.1 += $1.failures }
                }
                var (metrics, _) = try window.finish(server: server, recorder: pool.recorder)
                let settled = try await waitForSteadyState(hub, connections: steady)
                guard let after = server.sample() else { throw ServerProcessError(description: "the server exited") }
                metrics.insert(contentsOf: [
                    Metric("churn cycles/s (connect, subscribe, drop)", Double(cycles) / settings.duration, "cycle/s"),
                    Metric("churn failures", Double(failures), "cycle"),
                    Metric("connections after churn (server stats)", Double(settled.connections), "conn", target: "= \(steady)"),
                    Metric("jobs with per-job subscribers after churn", Double(settled.subscribedJobs), "job", target: "0"),
                    Metric("server RSS growth over churn", Double(after.residentBytes - before.residentBytes) / 1_048_576, "MiB"),
                ], at: 0)
                return BenchReport(
                    scenario: "churn",
                    parameters: settings.parameters.merging(["churn_workers": "\(settings.churnWorkers)"]) { $1 },
                    metrics: metrics)
            }
        }
    }

    /// Polls the server's socket stats until only the steady subscribers remain, for at most 10 s.
    private func waitForSteadyState(_ hub: HubClient, connections: Int) async throws -> (connections: Int, subscribedJobs: Int) {
        let deadline = ContinuousClock.now + .seconds(10)
        var stats = try await hub.socketStats()
        while (stats.connections != connections || stats.subscribedJobs != 0), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            stats = try await hub.socketStats()
        }
        return stats
    }
}
