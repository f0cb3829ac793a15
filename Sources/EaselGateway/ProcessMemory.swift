import DynamicJSON
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Easel's own RAM in SD.Next's `memory.ram` shape, counted as SD.Next counts its own: `used` is the process's
/// resident set, `total` the machine's memory, `free` the difference (bytes).
enum ProcessMemory {
    static var ram: JSONValue {
        guard let resident = residentBytes() else { return .object(["error": .string("resident memory unknown")]) }
        let total = Double(ProcessInfo.processInfo.physicalMemory)
        return .object(["free": .number(total - resident), "used": .number(resident), "total": .number(total)])
    }

    /// The second field of `/proc/self/statm` (resident pages); nil where there is no procfs.
    private static func residentBytes() -> Double? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
