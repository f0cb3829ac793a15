#if canImport(Glibc)
import Glibc
#endif

/// CPU time and resident memory of one process, read from `/proc`: the server's own account of its work, which
/// stays true when the load generator, not the server, is what limits throughput.
public struct ProcessSample: Equatable, Sendable {
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double
    /// Resident set size, in bytes.
    public var residentBytes: Int

    public init(cpuSeconds: Double, residentBytes: Int) {
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
    }

    /// Samples a live process; nil when it is gone or `/proc` is unreadable.
    public static func read(pid: Int32) -> ProcessSample? {
        guard let stat = readText("/proc/\(pid)/stat"), let status = readText("/proc/\(pid)/status"),
              let ticks = cpuTicks(statLine: stat), let resident = residentBytes(status: status)
        else { return nil }
        return ProcessSample(cpuSeconds: Double(ticks) / Double(sysconf(Int32(_SC_CLK_TCK))), residentBytes: resident)
    }

    /// utime + stime, in clock ticks, from a `/proc/<pid>/stat` line. The command name (field 2) may hold spaces
    /// and parentheses, so fields are counted from the last `)`: state is field 3, utime 14, stime 15.
    public static func cpuTicks(statLine: String) -> Int? {
        guard let close = statLine.lastIndex(of: ")") else { return nil }
        let fields = statLine[statLine.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// `VmRSS` from `/proc/<pid>/status`, in bytes.
    public static func residentBytes(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let kibibytes = parts.first.flatMap({ Int($0) }) else { return nil }
            return kibibytes * 1024
        }
        return nil
    }

    private static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
