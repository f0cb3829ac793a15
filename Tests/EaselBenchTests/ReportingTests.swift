#if canImport(Glibc)
import Glibc
#endif
import EaselBenchKit
import Histogram
import Testing

/// /proc parsing, percentiles, medians and the printed table: the arithmetic behind every reported figure.
struct ReportingTests {
    @Test func procStatFieldsAreCountedFromTheLastParenthesis() {
        let line = "4242 (easel (worker) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 125 37 0 0 20 0 9 0 100 1000 2000"
        #expect(ProcessSample.cpuTicks(statLine: line) == 162)
        #expect(ProcessSample.cpuTicks(statLine: "garbage") == nil)
    }

    @Test func residentMemoryIsReadFromStatus() {
        let status = "Name:\teasel\nVmPeak:\t  900000 kB\nVmRSS:\t   37012 kB\nThreads:\t9\n"
        #expect(ProcessSample.residentBytes(status: status) == 37012 * 1024)
        #expect(ProcessSample.residentBytes(status: "Name:\tx\n") == nil)
    }

    @Test func thisProcessCanBeSampled() throws {
        let sample = try #require(ProcessSample.read(pid: getpid()))
        #expect(sample.residentBytes > 0 && sample.cpuSeconds >= 0)
    }

    @Test func percentilesComeFromTheHistogramInMilliseconds() {
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
        for micros in 1...1000 { _ = histogram.record(UInt64(micros)) }
        let summary = LatencySummary(histogram)
        #expect(summary.samples == 1000)
        #expect(abs(summary.p50Milliseconds - 0.5) < 0.01)
        #expect(abs(summary.p99Milliseconds - 0.99) < 0.01)
        #expect(abs(summary.maxMilliseconds - 1.0) < 0.01)
        #expect(LatencySummary(Histogram<UInt64>(highestTrackableValue: 1000)).p99Milliseconds == 0)
    }

    @Test func mediansTakeTheMiddleRunPerMetric() throws {
        let runs = [3.0, 1.0, 2.0].map { BenchReport(scenario: "fanout", parameters: [:], metrics: [Metric("rate", $0, "msg/s")]) }
        let median = try #require(BenchReport.median(of: runs))
        #expect(median.metrics == [Metric("rate", 2, "msg/s")])
        #expect(median.parameters["runs"] == "3")
        #expect(BenchReport.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchReport.median(of: []) == nil)
    }

    @Test func theTableAlignsValuesAndShowsTargets() {
        let report = BenchReport(
            scenario: "fanout", parameters: ["jobs": "10"],
            metrics: [Metric("latency p99", 1.23456, "ms", target: "≤ 5"), Metric("delivered", 40000, "msg/s")],
            notes: ["bounded by the load generator"])
        let lines = report.table().split(separator: "\n").map(String.init)
        #expect(lines[0] == "scenario: fanout  jobs=10")
        #expect(lines[1].hasPrefix("metric"))
        #expect(lines[3] == "latency p99  1.235  ms     ≤ 5")
        #expect(lines[4] == "delivered    40000  msg/s")
        #expect(lines[5] == "note: bounded by the load generator")
    }

    @Test func aProgressRateBecomesPollAndStepSettings() {
        let fanout = Workload(concurrentJobs: 10, updatesPerSecond: 4, runSeconds: 15)
        #expect(fanout.pollMilliseconds == 250 && fanout.stepMilliseconds == 125 && fanout.stepsPerJob == 120)
        #expect(fanout.serverPollArguments == ["--poll-interval-ms", "250"])
        let fast = Workload(concurrentJobs: 10, updatesPerSecond: 20, runSeconds: 15)
        #expect(fast.serverPollArguments == ["--unsafe-poll-interval-ms", "50"])
        #expect(fast.stepsPerJob == 150 && fast.rounds >= 4)
    }
}
