/// The few fields of a server message the benchmark needs, read straight from the frame's bytes.
///
/// The server encodes with sorted keys, so every message ends `…"timestamp":"<32 chars>","type":"<type>"}`;
/// reading from the end finds both without decoding JSON, and `job_id`/`seq` are found by a byte search in the
/// `data` object. Full decoding would cost the load generator more than the server spends per message.
public struct ServerFrame: Equatable, Sendable {
    /// Message types the benchmark tells apart.
    public enum Kind: Equatable, Sendable {
        case connected, subscriptionConfirmed, started, progress, completed, pong, error, other

        /// Job events are what "delivered messages" counts.
        public var isJobEvent: Bool { self == .started || self == .progress || self == .completed }
    }

    public var kind: Kind
    /// Event creation time at the server, µs since the epoch; nil when absent or malformed.
    public var timestampMicros: Int64?
    /// FNV-1a hash of the `job_id` bytes (cheaper than a String per message), for job events.
    public var jobKey: UInt64?
    /// The event's per-job sequence number, for job events.
    public var seq: Int?

    public init(kind: Kind, timestampMicros: Int64? = nil, jobKey: UInt64? = nil, seq: Int? = nil) {
        self.kind = kind
        self.timestampMicros = timestampMicros
        self.jobKey = jobKey
        self.seq = seq
    }

    private static let typeKey = Array(#""type":""#.utf8)
    private static let timestampSeparator = Array(#"","type":""#.utf8)
    private static let jobIDKey = Array(#""job_id":""#.utf8)
    private static let seqKey = Array(#""seq":"#.utf8)

    /// Reads one text frame; nil when it is not shaped like a server message.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> ServerFrame? {
        let count = bytes.count
        guard count > 12, bytes[count - 1] == UInt8(ascii: "}"), bytes[count - 2] == UInt8(ascii: "\"") else { return nil }
        var typeStart = count - 2
        while typeStart > 0, bytes[typeStart - 1] != UInt8(ascii: "\"") { typeStart -= 1 }
        guard typeStart >= typeKey.count, matches(typeKey, in: bytes, at: typeStart - typeKey.count) else { return nil }
        var frame = ServerFrame(kind: kind(of: UnsafeRawBufferPointer(rebasing: bytes[typeStart..<(count - 2)])))
        let timestampEnd = typeStart - timestampSeparator.count
        let timestampStart = timestampEnd - WireTime.timestampLength
        if timestampStart > 0, matches(timestampSeparator, in: bytes, at: timestampEnd) {
            frame.timestampMicros = WireTime.micros(parsing: UnsafeRawBufferPointer(rebasing: bytes[timestampStart..<timestampEnd]))
        }
        guard frame.kind.isJobEvent else { return frame }
        if let start = find(jobIDKey, in: bytes) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var index = start
            while index < count, bytes[index] != UInt8(ascii: "\"") {
                hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
                index += 1
            }
            frame.jobKey = hash
        }
        if var index = find(seqKey, in: bytes) {
            var value = 0
            var digits = 0
            while index < count, (48...57).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - 48)
                index += 1
                digits += 1
            }
            if digits > 0 { frame.seq = value }
        }
        return frame
    }

    private static let kinds: [(name: [UInt8], kind: Kind)] = [
        ("progress_update", Kind.progress), ("generation_started", .started), ("generation_complete", .completed),
        ("connected", .connected), ("subscription_confirmed", .subscriptionConfirmed), ("pong", .pong), ("error", .error),
    ].map { (name: String, kind: Kind) in (Array(name.utf8), kind) }

    /// Compares bytes rather than building a String: most names are too long for Swift's inline strings.
    private static func kind(of name: UnsafeRawBufferPointer) -> Kind {
        for entry in kinds where entry.name.count == name.count && entry.name.elementsEqual(name) { return entry.kind }
        return .other
    }

    private static func matches(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard offset >= 0, offset + needle.count <= bytes.count else { return false }
        for (index, byte) in needle.enumerated() where bytes[offset + index] != byte { return false }
        return true
    }

    /// The offset just past the first occurrence of `needle`.
    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, bytes.count >= needle.count else { return nil }
        var offset = 0
        while offset <= bytes.count - needle.count {
            if bytes[offset] == first, matches(needle, in: bytes, at: offset) { return offset + needle.count }
            offset += 1
        }
        return nil
    }
}
