import EaselCore
import Foundation
import Testing

@Suite struct RollingJobStatsTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func countsJobsEndedInTheLastMinute() {
        var stats = RollingJobStats()
        for second in [0.0, 5, 30] { stats.recordEnd(.completed, runSeconds: 1, at: start.addingTimeInterval(second)) }
        stats.recordEnd(.failed, runSeconds: 1, at: start.addingTimeInterval(31))
        stats.recordEnd(.cancelled, runSeconds: nil, at: start.addingTimeInterval(32))
        let now = stats.summary(at: start.addingTimeInterval(40))
        #expect(now.completedPerMinute == 3 && now.failedPerMinute == 1)
        // Two minutes on, the same jobs are out of the minute but still in the five-minute percentiles.
        let later = stats.summary(at: start.addingTimeInterval(120))
        #expect(later.completedPerMinute == 0 && later.failedPerMinute == 0)
        #expect(later.run.p50 != nil)
    }

    @Test func percentilesComeFromTheLastFiveMinutesWithinTheBinWidth() throws {
        var stats = RollingJobStats()
        // Waits of 1 s … 100 s, one per second: p50 ≈ 50 s, p95 ≈ 95 s.
        for index in 1...100 { stats.recordWait(Double(index), at: start.addingTimeInterval(Double(index))) }
        let summary = stats.summary(at: start.addingTimeInterval(100))
        let p50 = try #require(summary.wait.p50)
        let p95 = try #require(summary.wait.p95)
        #expect(abs(p50 - 50) / 50 < 0.13, "p50 \(p50)")
        #expect(abs(p95 - 95) / 95 < 0.13, "p95 \(p95)")
        #expect(summary.run == .init())
        // Once five minutes have passed since the last one, nothing is left.
        #expect(stats.summary(at: start.addingTimeInterval(101 + 300)).wait == .init())
    }

    @Test func theRingReusesOldBucketsSoMemoryStaysFixed() {
        var stats = RollingJobStats()
        // An hour of one completion a second: the summary still sees only the last minute and five minutes.
        for second in 0..<3_600 { stats.recordEnd(.completed, runSeconds: 2, at: start.addingTimeInterval(Double(second))) }
        let summary = stats.summary(at: start.addingTimeInterval(3_599))
        #expect((50...60).contains(summary.completedPerMinute), "\(summary.completedPerMinute)")
        #expect(abs((summary.run.p95 ?? 0) - 2) / 2 < 0.13)
        // A record older than its slot's bucket (a late clock) is dropped, not mixed into the newer bucket.
        stats.recordEnd(.failed, runSeconds: nil, at: start)
        #expect(stats.summary(at: start.addingTimeInterval(3_599)).failedPerMinute == 0)
    }

    @Test func histogramPercentileOfOneValueIsThatValueWithinTheBin() throws {
        var histogram = DurationHistogram()
        #expect(histogram.percentile(0.5) == nil)
        histogram.record(0.003)
        #expect(histogram.percentile(0.5) == 0.01)
        var slow = DurationHistogram()
        slow.record(7.5)
        let p = try #require(slow.percentile(0.95))
        #expect(abs(p - 7.5) / 7.5 < 0.13)
    }

    @Test func stepRatesFollowEachBackendsCurrentJob() {
        var rates = StepRates()
        let job = JobID(rawValue: "j1")
        #expect(rates.observe(backend: "a", job: job, step: 2, at: start) == nil)
        #expect(rates.observe(backend: "a", job: job, step: 6, at: start.addingTimeInterval(2)) == 2)
        // The same reading again keeps the rate; a stalled job's rate falls to zero.
        #expect(rates.observe(backend: "a", job: job, step: 6, at: start.addingTimeInterval(2)) == 2)
        #expect(rates.observe(backend: "a", job: job, step: 6, at: start.addingTimeInterval(3)) == 0)
        // Another job, or none, starts over.
        #expect(rates.observe(backend: "a", job: JobID(rawValue: "j2"), step: 1, at: start.addingTimeInterval(4)) == nil)
        #expect(rates.observe(backend: "a", job: nil, step: nil, at: nil) == nil)
    }
}
