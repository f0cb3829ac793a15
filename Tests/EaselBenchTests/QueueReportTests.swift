import EaselBenchKit
import Testing

/// The queue scenario's pure parts: its `--sizes`, the counters it reads from `/metrics`, the timings it keeps and
/// the table with a column per queue size.
struct QueueReportTests {
    @Test func sizesAcceptPlainNumbersSeparatorsAndSuffixes() throws {
        #expect(try QueueSizes.parse("10000,100000,1000000") == [10_000, 100_000, 1_000_000])
        #expect(try QueueSizes.parse("10k, 100K,1M") == [10_000, 100_000, 1_000_000])
        #expect(try QueueSizes.parse("1_000") == [1_000])
        #expect(try QueueSizes.parse("10m") == [QueueSizes.maximum])
    }

    @Test func sizesMustBePositiveBoundedAndGrowing() {
        for text in ["", "0", "-5", "abc", "10k,,100k", "11M", "100000,10000", "10k,10000", "1.5k"] {
            #expect(throws: QueueSizesError.self, "\(text)") { try QueueSizes.parse(text) }
        }
    }

    @Test func metricSamplesAreSummedOverLabelSets() {
        let text = """
            # HELP easel_jobs_finished_total Jobs finished
            # TYPE easel_jobs_finished_total counter
            easel_jobs_finished_total{status="completed"} 1200
            easel_jobs_finished_total{status="failed"} 3
            easel_jobs_finished_total_extra{status="completed"} 99
            easel_queue_depth 98765
            easel_label_test{a="x,\\"y\\"}",status="completed"} 2.5 1700000000000
            """
        #expect(PrometheusText.sum("easel_jobs_finished_total", in: text) == 1203)
        #expect(PrometheusText.sum("easel_jobs_finished_total", in: text, matching: ["status": "completed"]) == 1200)
        #expect(PrometheusText.sum("easel_queue_depth", in: text) == 98765)
        #expect(PrometheusText.sum("easel_label_test", in: text, matching: ["a": "x,\"y\"}", "status": "completed"]) == 2.5)
        #expect(PrometheusText.sum("easel_jobs_finished_total", in: text, matching: ["status": "cancelled"]) == nil)
        #expect(PrometheusText.sum("easel_missing", in: text) == nil)
    }

    @Test func timingsAreKeptInMicrosecondsAndMerged() {
        var sample = TimingSample()
        for milliseconds in 1...100 { sample.record(.milliseconds(milliseconds)) }
        var other = TimingSample()
        other.record(.seconds(2))
        sample.add(other)
        #expect(sample.count == 101)
        #expect(abs(sample.summary.p50Milliseconds - 51) < 0.1)
        #expect(abs(sample.summary.maxMilliseconds - 2000) < 2)
        #expect(TimingSample().summary.p99Milliseconds == 0)
    }

    @Test func sizedMetricsRoundTripTheirNames() throws {
        let name = BenchReport.metricName("claimNext p99", size: 100_000)
        #expect(name == "claimNext p99 @ 100000")
        let parsed = try #require(BenchReport.figureAndSize(of: name))
        #expect(parsed.figure == "claimNext p99" && parsed.size == 100_000)
        #expect(BenchReport.figureAndSize(of: "latency p99") == nil)
        #expect(BenchReport.figureAndSize(of: "a @ b") == nil)
    }

    @Test func theSizeTableHasAColumnPerSizeAndARowPerFigure() throws {
        let report = BenchReport(
            scenario: "queue", parameters: ["backends": "10"],
            metrics: [
                Metric(BenchReport.metricName("claimNext p50", size: 100_000), 12.5, "ms"),
                Metric(BenchReport.metricName("claimNext p50", size: 10_000), 1.25, "ms"),
                Metric(BenchReport.metricName("dispatch rate", size: 10_000), 179, "job/s"),
                Metric("scenario wall time", 300, "s"),
            ],
            notes: ["capped"])
        let lines = try #require(report.sizeTable()).split(separator: "\n").map(String.init)
        #expect(lines == [
            "scenario: queue  backends=10",
            "figure         unit   10000 queued  100000 queued",
            "-------------  -----  ------------  -------------",
            "claimNext p50  ms            1.250         12.500",
            "dispatch rate  job/s           179              —",
            "scenario wall time: 300 s",
            "note: capped",
        ])
        #expect(BenchReport(scenario: "fanout", parameters: [:], metrics: [Metric("latency p99", 1, "ms")]).sizeTable() == nil)
    }
}
