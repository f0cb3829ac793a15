import EaselBenchKit
import Foundation

/// The start of a measured interval: when it began and both processes' CPU and memory then. The load
/// generator's own CPU is sampled too, to tell which side bounds the throughput.
struct MeasurementWindow {
    let start = ContinuousClock.now
    let server: ProcessSample
    let loadGenerator: ProcessSample

    /// Begins a window (after resetting what the recorder holds).
    init(server process: ServerProcess, recorder: DeliveryRecorder) throws {
        recorder.reset()
        guard let server = process.sample(), let own = ProcessSample.read(pid: getpid()) else {
            throw ServerProcessError(description: "cannot read /proc for the server (pid \(process.pid))")
        }
        self.server = server
        loadGenerator = own
    }

    /// Ends the window: throughput, latency, coalescing and both processes' CPU use, as metrics.
    func finish(server process: ServerProcess, recorder: DeliveryRecorder) throws -> (metrics: [Metric], end: ProcessSample) {
        let (totals, latency) = recorder.read()
        let elapsed = (ContinuousClock.now - start).inSeconds
        guard let serverEnd = process.sample(), let ownEnd = ProcessSample.read(pid: getpid()) else {
            throw ServerProcessError(description: "the server (pid \(process.pid)) exited during the run")
        }
        let serverCPU = serverEnd.cpuSeconds - server.cpuSeconds
        let ownCPU = ownEnd.cpuSeconds - loadGenerator.cpuSeconds
        let delivered = Double(totals.delivered)
        let metrics = [
            Metric("delivered messages/s", delivered / elapsed, "msg/s", target: "≥ 200000 with 1,000 subscribers"),
            Metric("latency p50", latency.p50Milliseconds, "ms"),
            Metric("latency p99", latency.p99Milliseconds, "ms", target: "≤ 5 (10 jobs × 4/s)"),
            Metric("latency p999", latency.p999Milliseconds, "ms"),
            Metric("latency max", latency.maxMilliseconds, "ms"),
            Metric("server CPU per delivered message", delivered > 0 ? serverCPU / delivered * 1e6 : 0, "µs", target: "≤ 3"),
            Metric("server CPU", serverCPU / elapsed * 100, "% of a core"),
            Metric("load generator CPU", ownCPU / elapsed * 100, "% of a core"),
            Metric("progress updates delivered", Double(totals.progress), "msg"),
            Metric("progress coalesced (seq gaps)", Double(totals.coalesced), "msg"),
            Metric("server RSS", Double(serverEnd.residentBytes) / 1_048_576, "MiB"),
        ]
        return (metrics, serverEnd)
    }
}
