import Foundation

extension WireTimestamp {
    /// Reads a timestamp the server wrote (`2025-10-02T05:28:04.123456+00:00`), so clients can decode the
    /// `timestamp` of a message back into the `Date` the server meant. Also accepts `Z` and no fraction.
    public static func date(from text: String) -> Date? {
        var rest = Substring(text)
        guard rest.hasSuffix("+00:00") || rest.hasSuffix("Z") else { return nil }
        rest = rest.hasSuffix("Z") ? rest.dropLast() : rest.dropLast(6)
        var fraction = 0.0
        if let dot = rest.firstIndex(of: ".") {
            let digits = rest[rest.index(after: dot)...]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Double("0." + digits) else { return nil }
            fraction = value
            rest = rest[..<dot]
        }
        let fields = rest.split(whereSeparator: { $0 == "-" || $0 == "T" || $0 == ":" }).map { Int($0) }
        guard fields.count == 6, fields.allSatisfy({ $0 != nil }) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(fields[0]! - 1900)
        parts.tm_mon = Int32(fields[1]! - 1)
        parts.tm_mday = Int32(fields[2]!)
        parts.tm_hour = Int32(fields[3]!)
        parts.tm_min = Int32(fields[4]!)
        parts.tm_sec = Int32(fields[5]!)
        let seconds = timegm(&parts)
        guard seconds != -1 || fields[0] == 1969 else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
