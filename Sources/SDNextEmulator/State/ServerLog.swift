import Foundation

/// SD.Next's log ring buffer (`logger.RingBuffer(100)`): the last 100 records at INFO or above, each formatted as its
/// pseudo-JSON line, read by `GET /sdapi/v1/log`.
actor ServerLog {
    enum Level: String {
        case debug = "DEBUG", info = "INFO", error = "ERROR"
    }

    private let capacity: Int
    private var buffer: [String] = []

    init(capacity: Int = 100) {
        self.capacity = capacity
    }

    /// Adds one record as the handler's formatter writes it (`"` in the message become `'`, messages over 1024
    /// characters are cut). DEBUG records are below the handler's level and kept out, as in a default SD.Next.
    func record(_ level: Level, module: String, function: String, _ message: String, at date: Date = Date()) {
        guard level != .debug else { return }
        var text = message.replacingOccurrences(of: "\"", with: "'")
        if text.count > 1024 { text = String(text.prefix(1024)) + "..." }
        let created = String(format: "%.6f", date.timeIntervalSince1970)
        buffer.append(
            #"{ "asctime":"\#(Self.asctime(date))", "created":\#(created), "facility":"sd", "pid":\#(getpid()), "#
                + #""tid":\#(Self.threadID), "level":"\#(level.rawValue)", "module":"\#(module)", "func":"\#(function)", "#
                + #""msg":"\#(text)" }"#)
        if buffer.count > capacity { buffer.removeFirst() }
    }

    /// `get_log`: the *first* `limit` lines still held (all when `limit` ≤ 0), then optionally empties the buffer.
    func lines(limit: Int, clear: Bool) -> [String] {
        let lines = limit > 0 ? Array(buffer.prefix(limit)) : buffer
        if clear { buffer.removeAll() }
        return lines
    }

    /// Python's `threading.get_ident()`: the thread's pthread handle.
    private static var threadID: UInt {
        #if os(Linux)
            UInt(pthread_self())
        #else
            UInt(bitPattern: pthread_self())
        #endif
    }

    /// `logging.Formatter`'s default `asctime`: `2026-12-01 17:30:00,123`, local time.
    private static func asctime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
        return formatter.string(from: date)
    }
}
