#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock instants in microseconds since the Unix epoch: the unit latencies are measured in. Parsing the
/// server's `timestamp` by hand (it always has the one fixed shape) keeps a message's cost on the load generator
/// to a few dozen nanoseconds, so the generator is not what a latency figure measures.
public enum WireTime {
    /// The fixed length of `2025-10-02T05:28:04.123456+00:00`.
    public static let timestampLength = 32

    /// Now, from the real-time clock.
    public static func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    /// Parses a UTC timestamp of exactly the server's shape; nil for anything else.
    public static func micros(parsing bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count == timestampLength, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[19] == UInt8(ascii: "."), bytes[26] == UInt8(ascii: "+")
        else { return nil }
        func number(_ start: Int, _ length: Int) -> Int64? {
            var value: Int64 = 0
            for index in start..<(start + length) {
                let digit = Int64(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              let fraction = number(20, 6)
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + fraction
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (the civil-from-days inverse).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
