import Histogram

/// Event→receipt latency percentiles of one window, in milliseconds.
public struct LatencySummary: Sendable, Equatable, Codable {
    public var samples: UInt64
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
    public var p999Milliseconds: Double
    public var maxMilliseconds: Double

    public init(samples: UInt64, p50Milliseconds: Double, p99Milliseconds: Double, p999Milliseconds: Double, maxMilliseconds: Double) {
        self.samples = samples
        self.p50Milliseconds = p50Milliseconds
        self.p99Milliseconds = p99Milliseconds
        self.p999Milliseconds = p999Milliseconds
        self.maxMilliseconds = maxMilliseconds
    }

    /// Reads a histogram of µs values.
    public init(_ histogram: Histogram<UInt64>) {
        let empty = histogram.totalCount == 0
        func milliseconds(_ micros: UInt64) -> Double { empty ? 0 : Double(micros) / 1000 }
        self.init(
            samples: histogram.totalCount,
            p50Milliseconds: milliseconds(histogram.valueAtPercentile(50)),
            p99Milliseconds: milliseconds(histogram.valueAtPercentile(99)),
            p999Milliseconds: milliseconds(histogram.valueAtPercentile(99.9)),
            maxMilliseconds: milliseconds(histogram.max))
    }

    enum CodingKeys: String, CodingKey {
        case samples
        case p50Milliseconds = "p50_ms"
        case p99Milliseconds = "p99_ms"
        case p999Milliseconds = "p999_ms"
        case maxMilliseconds = "max_ms"
    }
}
