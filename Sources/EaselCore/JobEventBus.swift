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
        var histories: [JobID: JobHistory] = [:]
        var ended: Deque<(JobID, ContinuousClock.Instant)> = []
    }

    private let state = Mutex(State())
    private let retention: Retention

    public init(retention: Retention = Retention()) {
        self.retention = retention
    }

    /// Numbers, remembers and delivers one event. A job's events must be published from one place at a time
    /// (its submitter, then its worker), which keeps `seq` order equal to their real order.
    @discardableResult
    public func publish(_ kind: JobEventKind, for jobID: JobID, at date: Date = Date()) -> JobEvent {
        let now = ContinuousClock.now
        return state.withLock { state in
            var history = state.histories[jobID] ?? JobHistory()
            let event = JobEvent(jobID: jobID, seq: history.lastSeq + 1, timestamp: date, kind: kind)
            history.record(event)
            state.histories[jobID] = history
            if case .completed = kind {
                state.ended.append((jobID, now))
            }
            prune(&state, now: now)
            for continuation in state.subscribers.values {
                continuation.yield(event)
            }
            return event
        }
    }

    /// The remembered history of a job, or nil when the job is unknown here or ended too long ago.
    public func history(of jobID: JobID) -> JobHistory? {
        state.withLock { $0.histories[jobID] }
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
