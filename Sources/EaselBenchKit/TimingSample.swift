import Histogram

/// How long one kind of operation took each time (a claim, a request), kept in an HdrHistogram of µs like the
/// socket latencies, so percentiles of thousands of samples cost nothing to keep.
public struct TimingSample: Sendable {
    /// Up to 10 minutes per operation: a claim on an unindexed million-job queue takes about a second.
    public static let highestMicros: UInt64 = 600_000_000
    private var histogram = Histogram<UInt64>(highestTrackableValue: TimingSample.highestMicros)

    public init() {}

    /// Operations recorded.
    public var count: Int { Int(histogram.totalCount) }

    /// Records one operation's duration (clamped to the histogram's range).
    public mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let micros = max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
        _ = histogram.record(min(UInt64(micros), Self.highestMicros))
    }

    /// Adds another sample's operations to this one.
    public mutating func add(_ other: TimingSample) {
        histogram.add(other.histogram)
    }

    /// p50, p99, p99.9 and the maximum, in milliseconds; zeros when nothing was recorded.
    public var summary: LatencySummary { LatencySummary(histogram) }
}
