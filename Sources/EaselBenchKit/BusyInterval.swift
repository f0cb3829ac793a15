import Foundation

/// When one job ran and on which backend, as the server recorded it: the gateway burst reads these back from the
/// job views to show that the pool ran jobs side by side, independently of when its samples happened to look.
public struct BusyInterval: Sendable, Equatable {
    public var backend: String
    public var start: Date
    public var end: Date

    public init(backend: String, start: Date, end: Date) {
        self.backend = backend
        self.start = start
        self.end = end
    }

    /// The most intervals open at one instant. One that ends exactly when another starts does not overlap it (a
    /// backend's next job starts when its last one ends).
    public static func maximumOverlap(_ intervals: [BusyInterval]) -> Int {
        let edges: [(time: Date, change: Int)] = intervals.flatMap { [($0.start, 1), ($0.end, -1)] }
        var open = 0
        var most = 0
        for edge in edges.sorted(by: { $0.time != $1.time ? $0.time < $1.time : $0.change < $1.change }) {
            open += edge.change
            most = max(most, open)
        }
        return most
    }

    /// How many intervals each backend ran.
    public static func jobsPerBackend(_ intervals: [BusyInterval]) -> [String: Int] {
        intervals.reduce(into: [:]) { counts, interval in counts[interval.backend, default: 0] += 1 }
    }
}
