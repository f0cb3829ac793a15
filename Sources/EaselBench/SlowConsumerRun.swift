import EaselBenchKit

/// Two fanout runs with the same subscribers: in the first all of them read; in the second a share of them
/// stops reading. The figures are the healthy subscribers' in both runs, so the p99 difference is what the
/// stalled ones cost the others.
struct SlowConsumerRun {
    let settings: BenchSettings

    func run() async throws -> BenchReport {
        let baseline = try await FanoutRun(settings: settings, unmeasuredShare: settings.stallFraction, unmeasuredStall: false).run()
        var stalled = try await FanoutRun(settings: settings, unmeasuredShare: settings.stallFraction, unmeasuredStall: true).run()
        let baselineP99 = baseline.metrics.first { $0.name == "latency p99" }?.value ?? 0
        let stalledP99 = stalled.metrics.first { $0.name == "latency p99" }?.value ?? 0
        stalled.metrics.insert(contentsOf: [
            Metric("healthy p99 without stalled clients", baselineP99, "ms"),
            Metric("healthy p99 with stalled clients", stalledP99, "ms"),
            Metric("healthy p99 difference", stalledP99 - baselineP99, "ms", target: "≤ 1"),
        ], at: 0)
        stalled.parameters["stall_fraction"] = BenchReport.format(settings.stallFraction)
        stalled.parameters["stall_flood_mib"] = BenchReport.format(settings.stallFloodMib)
        return stalled
    }
}
