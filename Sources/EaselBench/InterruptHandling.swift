import Dispatch
import Foundation
import Synchronization

/// Makes SIGINT and SIGTERM kill the server child before the benchmark exits, so an interrupted run leaves
/// nothing running. Returns the signal sources, which must stay alive for the handlers to fire.
func installInterruptHandlers() -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { signalNumber in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            ChildProcesses.shared.killAll()
            exit(128 + signalNumber)
        }
        source.resume()
        return source
    }
}

/// Raises the open-file limit to its hard maximum (the server child inherits it); returns the new limit.
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}

/// Child processes still running, so SIGINT/SIGTERM of the benchmark can kill them before it exits.
final class ChildProcesses: Sendable {
    static let shared = ChildProcesses()
    private let pids = Mutex<Set<Int32>>([])

    func add(_ pid: Int32) { _ = pids.withLock { $0.insert(pid) } }
    func remove(_ pid: Int32) { _ = pids.withLock { $0.remove(pid) } }

    /// Kills every child at once (no graceful stop: the benchmark itself is being interrupted).
    func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}
