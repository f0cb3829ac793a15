import EaselCore
import Synchronization

/// Cancel requests for running jobs. A request can arrive just before the worker that claimed the job has
/// registered it, so requests are remembered until the worker takes them.
public final class CancellationRegistry: Sendable {
    private struct State {
        var requested: Set<JobID> = []
        var running: [JobID: WakeSignal] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks the worker running `jobID` to stop it.
    public func requestCancel(of jobID: JobID) {
        let signal = state.withLock { state -> WakeSignal? in
            state.requested.insert(jobID)
            return state.running[jobID]
        }
        signal?.signal()
    }

    /// Forgets a request for a job that turned out not to be running.
    public func withdraw(_ jobID: JobID) {
        _ = state.withLock { $0.requested.remove(jobID) }
    }

    func isRequested(_ jobID: JobID) -> Bool {
        state.withLock { $0.requested.contains(jobID) }
    }

    /// Called by the worker when it starts a job: the signal fires when a cancel is requested
    /// (at once, if one already was).
    func register(_ jobID: JobID) -> (signal: WakeSignal, seen: UInt64) {
        let signal = WakeSignal()
        let seen = signal.generation
        let alreadyRequested = state.withLock { state in
            state.running[jobID] = signal
            return state.requested.contains(jobID)
        }
        if alreadyRequested { signal.signal() }
        return (signal, seen)
    }

    func finish(_ jobID: JobID) {
        state.withLock { state in
            state.running[jobID] = nil
            state.requested.remove(jobID)
        }
    }
}
