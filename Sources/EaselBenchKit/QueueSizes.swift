/// The queue sizes of the `queue` scenario, from `--sizes`. They must grow: the database is filled to the first
/// size, measured, then topped up to the next, so a million-job run never fills from scratch more than once.
public enum QueueSizes {
    /// The largest size accepted, so a typo cannot ask for hours of filling.
    public static let maximum = 10_000_000

    /// Parses a comma-separated list such as `10000,100000,1000000`, `10k,100k,1M` or `10_000`.
    public static func parse(_ text: String) throws(QueueSizesError) -> [Int] {
        var sizes: [Int] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) { sizes.append(try size(String(item))) }
        for (smaller, larger) in zip(sizes, sizes.dropFirst()) where larger <= smaller {
            throw QueueSizesError(description: "--sizes must grow (the queue is filled incrementally): \(larger) after \(smaller)")
        }
        return sizes
    }

    private static func size(_ item: String) throws(QueueSizesError) -> Int {
        var digits = item.trimmingCharacters(in: " \t").replacing("_", with: "")
        var multiplier = 1
        switch digits.last {
        case "k", "K": multiplier = 1_000
        case "m", "M": multiplier = 1_000_000
        default: break
        }
        if multiplier > 1 { digits.removeLast() }
        guard let value = Int(digits), value > 0, value <= maximum / multiplier else {
            throw QueueSizesError(description: "'\(item)' is not a queue size between 1 and \(maximum)")
        }
        return value * multiplier
    }
}

/// Why `--sizes` was refused.
public struct QueueSizesError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension String {
    /// The string without leading or trailing characters from `set` (Foundation-free).
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
