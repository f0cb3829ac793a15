/// Which backend loops wait for work, as a pure value: each new job wakes one waiting loop, not all of them, so
/// with N backends a submit costs one claim instead of N (N − 1 of which would find nothing). A job that arrives
/// while no loop waits leaves a permit, so a loop about to wait claims again instead; permits are capped at the
/// number of loops, since each loop claims until the queue is empty before it waits.
struct IdleBackends {
    /// What the caller must do after a transition.
    enum Action: Equatable {
        case none
        /// Resume these waiters: each claims once.
        case wake([Int])
        /// The loop that asked to wait must claim at once.
        case claimNow
    }

    private(set) var waiting: [Int] = []
    private(set) var permits = 0
    let loops: Int

    init(loops: Int) {
        self.loops = loops
    }

    /// `count` jobs entered the queue (submitted or handed back).
    mutating func jobsArrived(_ count: Int = 1) -> Action {
        guard count > 0 else { return .none }
        let woken = Array(waiting.prefix(count))
        waiting.removeFirst(woken.count)
        permits = min(loops, permits + count - woken.count)
        return woken.isEmpty ? .none : .wake(woken)
    }

    /// Waiter `id` (a loop that found the queue empty) wants to wait.
    mutating func loopWillWait(_ id: Int) -> Action {
        if permits > 0 {
            permits -= 1
            return .claimNow
        }
        waiting.append(id)
        return .none
    }

    /// Waiter `id` stopped waiting on its own (its timeout passed, or it was cancelled).
    mutating func loopStoppedWaiting(_ id: Int) {
        waiting.removeAll { $0 == id }
    }
}
