import DequeModule
import Foundation
import Synchronization

/// The one path events take from the code that runs jobs to the code that delivers them. Publishing numbers the
/// event (per-job `seq`), remembers it in the job's history and hands it to every subscriber's stream without
/// waiting on any of them, so a slow consumer never holds up a job. (The origin's only channel was a database
/// row polled every 2 s.)
public final class JobEventBus: Sendable {
    /// How long, and how many, ended jobs' histories are kept for late and reconnecting subscribers.
    public struct Retention: Sendable {
        /// Kept this long after the job ends. Default 5 minutes.
        public var duration: Duration = .seconds(300)
        /// At most this many ended jobs. Default 10,000.
        public var maxEndedJobs = 10_000
        public init() {}
    }

    private struct State {
        var nextSubscriberID = 0
        var subscribers: [Int: AsyncStream<JobEvent>.Continuation] = [:]
        /// Tasks waiting for one job's end (`completion(of:)`), by waiter, and the waiters of each job.
        var waiters: [Int: Waiter] = [:]
        var waitersByJob: [JobID: Set<Int>] = [:]
        var histories: [JobID: JobHistory] = [:]
        var ended: Deque<(JobID, ContinuousClock.Instant)> = []
    }

    /// A `completion(of:)` call: allocated, then waiting with its continuation; cancelled when its task was
    /// cancelled before it could wait. It leaves the table when it is resumed.
    private enum Waiter {
        case allocated
        case cancelled
        case waiting(JobID, CheckedContinuation<JobEvent?, Never>)
    }

    private let state = Mutex(State())
    private let retention: Retention

    public init(retention: Retention = Retention()) {
        self.retention = retention
    }

    /// When this bus was made: a job submitted earlier (before a restart) has no history here until its first event.
    private let createdAt = Date()

    /// Numbers, remembers and delivers one event. A job's events must be published from one place at a time
    /// (its submitter, then its worker), which keeps `seq` order equal to their real order.
    @discardableResult
    public func publish(_ kind: JobEventKind, for jobID: JobID, at date: Date = Date()) -> JobEvent {
        state.withLock { state in record(kind, for: jobID, at: date, in: &state) }
    }

    /// Publishes `kind` only while the job's history shows it still queued (no progress yet, or a `queued` one),
    /// checked under the same lock: a figure computed from the store just before a claim must not follow the job's
    /// start, nor come before its `generation_started` (a job submitted since this bus was made and not yet announced
    /// has no history). Returns nil when nothing was published. For publishers other than the job's own (queue
    /// positions).
    @discardableResult
    public func publishWhileQueued(
        _ kind: JobEventKind, for jobID: JobID, submittedAt: Date, at date: Date = Date()
    ) -> JobEvent? {
        state.withLock { state in
            let history = state.histories[jobID]
            if history == nil, submittedAt >= createdAt { return nil }
            guard history?.completed == nil else { return nil }
            if case .progress(let progress)? = history?.latestProgress?.kind, progress.status != .queued { return nil }
            return record(kind, for: jobID, at: date, in: &state)
        }
    }

    private func record(_ kind: JobEventKind, for jobID: JobID, at date: Date, in state: inout State) -> JobEvent {
        let now = ContinuousClock.now
        var history = state.histories[jobID] ?? JobHistory()
        let event = JobEvent(jobID: jobID, seq: history.lastSeq + 1, timestamp: date, kind: kind)
        history.record(event)
        state.histories[jobID] = history
        if case .completed = kind {
            state.ended.append((jobID, now))
            for waiter in state.waitersByJob.removeValue(forKey: jobID) ?? [] {
                if case .waiting(_, let continuation)? = state.waiters.removeValue(forKey: waiter) {
                    continuation.resume(returning: event)
                }
            }
        }
        prune(&state, now: now)
        for continuation in state.subscribers.values {
            continuation.yield(event)
        }
        return event
    }

    /// The remembered history of a job, or nil when the job is unknown here or ended too long ago.
    public func history(of jobID: JobID) -> JobHistory? {
        state.withLock { $0.histories[jobID] }
    }

    /// The job's `completed` event: at once when it was published (and is still remembered), else when it is; nil
    /// when the waiting task is cancelled. Only the job's own end wakes the waiter, so a thousand waiting calls cost
    /// nothing while other jobs progress.
    public func completion(of jobID: JobID) async -> JobEvent? {
        let waiter = state.withLock { state in
            defer { state.nextSubscriberID += 1 }
            state.waiters[state.nextSubscriberID] = .allocated
            return state.nextSubscriberID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<JobEvent?, Never>) in
                let answer: JobEvent?? = state.withLock { state in
                    if case .cancelled? = state.waiters[waiter] {
                        state.waiters[waiter] = nil
                        return .some(nil)
                    }
                    if let completed = state.histories[jobID]?.completed {
                        state.waiters[waiter] = nil
                        return .some(completed)
                    }
                    state.waiters[waiter] = .waiting(jobID, continuation)
                    state.waitersByJob[jobID, default: []].insert(waiter)
                    return .none
                }
                if case .some(let event) = answer { continuation.resume(returning: event) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<JobEvent?, Never>? in
                switch state.waiters[waiter] {
                case .allocated?:
                    state.waiters[waiter] = .cancelled
                    return nil
                case .waiting(let job, let continuation)?:
                    state.waiters[waiter] = nil
                    state.waitersByJob[job]?.remove(waiter)
                    if state.waitersByJob[job]?.isEmpty == true { state.waitersByJob[job] = nil }
                    return continuation
                case .cancelled?, nil:
                    return nil
                }
            }
            continuation?.resume(returning: nil)
        }
    }

    /// Every event published from now on, until the stream's consumer stops iterating.
    public func subscribe() -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self)
        let id = state.withLock { state in
            let id = state.nextSubscriberID
            state.nextSubscriberID += 1
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    private func prune(_ state: inout State, now: ContinuousClock.Instant) {
        while let (jobID, endedAt) = state.ended.first,
              state.ended.count > retention.maxEndedJobs || now - endedAt > retention.duration {
            state.ended.removeFirst()
            if state.histories[jobID]?.completed != nil {
                state.histories[jobID] = nil
            }
        }
    }
}
