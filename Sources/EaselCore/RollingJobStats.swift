import Foundation
import Synchronization

/// What the live metrics panel says about the last few minutes of jobs: how many ended per minute and how long
/// they waited and ran (p50, p95). Kept as a ring of 10-second buckets, each with fixed-size histograms, so the
/// memory is the same whether ten jobs or a million ran; a pure value, so it is tested without I/O or clocks.
public struct RollingJobStats: Sendable, Equatable {
    /// One bucket's width.
    public static let bucketSeconds = 10.0
    /// 30 buckets: five minutes, the window of the percentiles.
    public static let bucketCount = 30
    /// Buckets that make up "per minute": the current one and the five before it (50 to 60 seconds).
    static let minuteBuckets = 6

    struct Bucket: Sendable, Equatable {
        var index = Int.min
        var completed = 0
        var failed = 0
        var wait = DurationHistogram()
        var run = DurationHistogram()
    }

    /// What `summary(at:)` reports.
    public struct Summary: Sendable, Equatable {
        public var completedPerMinute: Int
        public var failedPerMinute: Int
        public var wait: DurationHistogram.Percentiles
        public var run: DurationHistogram.Percentiles
    }

    private var buckets = [Bucket](repeating: Bucket(), count: bucketCount)

    public init() {}

    /// A job started on a backend after waiting `seconds` in the queue.
    public mutating func recordWait(_ seconds: Double, at date: Date) {
        update(at: date) { $0.wait.record(seconds) }
    }

    /// A job ended with `status`; `runSeconds` is its time on the backend (nil when it never started).
    public mutating func recordEnd(_ status: JobStatus, runSeconds: Double?, at date: Date) {
        update(at: date) { bucket in
            switch status {
            case .completed: bucket.completed += 1
            case .failed: bucket.failed += 1
            case .cancelled, .queued, .processing: break
            }
            if let runSeconds, status == .completed { bucket.run.record(runSeconds) }
        }
    }

    /// Counts over the last minute and percentiles over the last five minutes, as seen at `date`.
    public func summary(at date: Date) -> Summary {
        let now = Self.index(of: date)
        var summary = Summary(completedPerMinute: 0, failedPerMinute: 0, wait: .init(), run: .init())
        var wait = DurationHistogram()
        var run = DurationHistogram()
        for bucket in buckets where bucket.index <= now && bucket.index > now - Self.bucketCount {
            if bucket.index > now - Self.minuteBuckets {
                summary.completedPerMinute += bucket.completed
                summary.failedPerMinute += bucket.failed
            }
            wait.merge(bucket.wait)
            run.merge(bucket.run)
        }
        summary.wait = wait.percentiles
        summary.run = run.percentiles
        return summary
    }

    private mutating func update(at date: Date, _ body: (inout Bucket) -> Void) {
        let index = Self.index(of: date)
        let slot = ((index % Self.bucketCount) + Self.bucketCount) % Self.bucketCount
        // A slot still holding a bucket from an earlier lap is reused; a record older than the slot's is dropped.
        if buckets[slot].index < index { buckets[slot] = Bucket(index: index) }
        guard buckets[slot].index == index else { return }
        body(&buckets[slot])
    }

    private static func index(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / bucketSeconds).rounded(.down))
    }
}

/// Durations counted in logarithmic bins (each 25 % wider than the one before, from 10 ms to over four hours),
/// so a percentile is read to within about 12 % with 64 counters, however many durations were recorded.
public struct DurationHistogram: Sendable, Equatable {
    static let smallest = 0.01
    static let growth = 1.25
    static let binCount = 64

    /// p50 and p95 in seconds; nil when nothing was recorded.
    public struct Percentiles: Sendable, Equatable {
        public var p50: Double?
        public var p95: Double?
        public init(p50: Double? = nil, p95: Double? = nil) {
            self.p50 = p50
            self.p95 = p95
        }
    }

    private var bins = [Int](repeating: 0, count: binCount)
    public private(set) var count = 0

    public init() {}

    public mutating func record(_ seconds: Double) {
        let bin = seconds <= Self.smallest ? 0 : Int((log(seconds / Self.smallest) / log(Self.growth)).rounded(.down)) + 1
        bins[min(max(bin, 0), Self.binCount - 1)] += 1
        count += 1
    }

    mutating func merge(_ other: DurationHistogram) {
        guard other.count > 0 else { return }
        for index in bins.indices { bins[index] += other.bins[index] }
        count += other.count
    }

    /// The value below which `fraction` of the durations fall: the geometric middle of the bin it lands in.
    public func percentile(_ fraction: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(count)).rounded(.up)))
        var seen = 0
        for (bin, binCount) in bins.enumerated() {
            seen += binCount
            if seen >= rank { return Self.middle(of: bin) }
        }
        return Self.middle(of: Self.binCount - 1)
    }

    public var percentiles: Percentiles { Percentiles(p50: percentile(0.5), p95: percentile(0.95)) }

    /// Bin 0 holds everything up to 10 ms; bin n ≥ 1 holds [10 ms × 1.25^(n-1), 10 ms × 1.25^n).
    private static func middle(of bin: Int) -> Double {
        guard bin > 0 else { return smallest }
        return smallest * pow(growth, Double(bin) - 0.5)
    }
}

/// The rolling statistics shared by the places that record them (a job's start and end) and the metrics sampler
/// that reads them once per interval.
public final class RecentJobs: Sendable {
    private let stats = Mutex(RollingJobStats())

    public init() {}

    public func recordWait(_ seconds: Double, at date: Date = Date()) {
        stats.withLock { $0.recordWait(seconds, at: date) }
    }

    public func recordEnd(_ status: JobStatus, runSeconds: Double?, at date: Date = Date()) {
        stats.withLock { $0.recordEnd(status, runSeconds: runSeconds, at: date) }
    }

    public func summary(at date: Date = Date()) -> RollingJobStats.Summary {
        stats.withLock { $0.summary(at: date) }
    }
}
