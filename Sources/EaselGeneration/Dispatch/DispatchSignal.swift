import Synchronization

/// Wakes one idle backend loop per new job (see `IdleBackends`). A waiting loop also wakes after a timeout, so it
/// can look after its backend's health while it has nothing to do.
public final class DispatchSignal: Sendable {
    private struct State {
        var idle: IdleBackends
        var continuations: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    /// - Parameter loops: how many backend loops wait on this signal.
    public init(loops: Int) {
        state = Mutex(State(idle: IdleBackends(loops: loops)))
    }

    /// `count` jobs entered the queue: wakes up to that many idle loops.
    public func jobsArrived(_ count: Int = 1) {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard case .wake(let ids) = state.idle.jobsArrived(count) else { return [] }
            return ids.compactMap { state.continuations.removeValue(forKey: $0) }
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until a job arrives (true), or `timeout` passes or the task is cancelled (false).
    func waitForJob(timeout: Duration) async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.wait(id) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            self.stopWaiting(id)
            await group.waitForAll()
            return first
        }
    }

    private func wait(_ id: Int) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    guard !Task.isCancelled else { return true }
                    if state.idle.loopWillWait(id) == .claimNow { return true }
                    state.continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume(returning: !Task.isCancelled) }
            }
        } onCancel: {
            stopWaiting(id)
        }
    }

    /// Takes waiter `id` out of the waiting loops, resuming it with false if it still waits.
    private func stopWaiting(_ id: Int) {
        let continuation = state.withLock { state in
            state.idle.loopStoppedWaiting(id)
            return state.continuations.removeValue(forKey: id)
        }
        continuation?.resume(returning: false)
    }
}
