import DequeModule
import EaselCore
import EaselProtocol
import NIOCore
import Synchronization

/// One connection's frames waiting to be written. Broadcasts only append here and never wait on the socket,
/// so a slow client delays nobody else (the origin awaited every send inline, its G11).
/// Lifecycle frames are kept in order and never dropped. While the socket refuses data, a progress frame replaces
/// the job's progress frame that is still waiting (latest wins); otherwise both are written, so a client that keeps
/// up sees every update. When the lifecycle frames waiting exceed the byte budget, the outbox closes
/// itself with `slowConsumer` and its close handler starts the closing handshake.
///
/// The outbox also tracks whether a drain is scheduled, so that a burst of pushes costs one trip to the
/// connection's event loop (see `Connection.drain`).
public final class Outbox: Sendable {
    /// What happened to a pushed frame.
    public enum PushResult: Sendable, Equatable {
        case queued
        /// Replaced an older progress frame of the same job that had not been written yet.
        case coalesced
        /// Dropped: the connection has already seen this job event (a snapshot raced a live event).
        case duplicate
        /// Dropped, and the outbox closed: the connection is too far behind.
        case overflow
        /// Dropped: the outbox is closed.
        case closed
    }

    private struct State {
        var queue: Deque<ByteBuffer> = []
        /// Position (in push order) of `queue.first`.
        var headPosition: UInt64 = 0
        /// Position of each job's progress frame still waiting. A few jobs run at once, so a linear search beats
        /// hashing the job id for every frame.
        var waitingProgress: [(jobID: JobID, position: UInt64)] = []
        var lifecycleBytes = 0
        /// A drain has been asked for and has not finished.
        var drainScheduled = false
        /// The last drain stopped because the socket refused data: the connection is behind.
        var blocked = false
        var closeCode: CloseCode?
        var closeHandler: (@Sendable (CloseCode) -> Void)?
        /// Highest event `seq` pushed per explicitly subscribed job, to drop duplicates.
        var seenSeq: [JobID: Int] = [:]
        /// Jobs being brought up to date: their live events wait in `held` until the catch-up is queued.
        var holding: Set<JobID> = []
        var held: [(frame: ByteBuffer, event: EventTag)] = []
    }

    private let state = Mutex(State())
    private let maxLifecycleBytes: Int

    /// - Parameter maxLifecycleBytes: budget for lifecycle frames waiting to be written.
    public init(maxLifecycleBytes: Int) {
        self.maxLifecycleBytes = maxLifecycleBytes
    }

    /// The job event a frame carries.
    public typealias EventTag = (jobID: JobID, seq: Int, isProgress: Bool)

    /// Appends a frame. `event` names the job event it carries, if any; progress events coalesce. Events of a job
    /// being caught up wait (see `hold`) unless `catchUp` says the frame is part of that catch-up.
    /// `needsDrain` is true when the caller must schedule a drain (none is pending).
    @discardableResult
    public func push(_ frame: ByteBuffer, event: EventTag? = nil, catchUp: Bool = false) -> (result: PushResult, needsDrain: Bool) {
        let (result, needsDrain, closeHandler) = state.withLock { state -> (PushResult, Bool, (@Sendable (CloseCode) -> Void)?) in
            guard state.closeCode == nil else { return (.closed, false, nil) }
            if !catchUp, !state.holding.isEmpty, let event, state.holding.contains(event.jobID) {
                state.held.append((frame, event))
                return (.queued, false, nil)
            }
            if let event, event.seq > 0, !state.seenSeq.isEmpty, let seen = state.seenSeq[event.jobID] {
                if event.seq <= seen { return (.duplicate, false, nil) }
                state.seenSeq[event.jobID] = event.seq
            }
            let result: PushResult
            let waiting = event.flatMap { event in state.waitingProgress.firstIndex { $0.jobID == event.jobID } }
            if let event, event.isProgress, state.blocked, let waiting {
                state.queue[Int(state.waitingProgress[waiting].position - state.headPosition)] = frame
                result = .coalesced
            } else if let event, event.isProgress {
                let position = state.headPosition + UInt64(state.queue.count)
                if let waiting {
                    state.waitingProgress[waiting].position = position
                } else {
                    state.waitingProgress.append((event.jobID, position))
                }
                state.queue.append(frame)
                result = .queued
            } else if state.lifecycleBytes + frame.readableBytes > maxLifecycleBytes {
                return (.overflow, false, Self.close(&state, .slowConsumer))
            } else {
                // A later progress frame of this job must not take a place ahead of this one.
                if let waiting { state.waitingProgress.remove(at: waiting) }
                state.lifecycleBytes += frame.readableBytes
                state.queue.append(frame)
                result = .queued
            }
            let needsDrain = !state.drainScheduled
            state.drainScheduled = true
            return (result, needsDrain, nil)
        }
        closeHandler?(.slowConsumer)
        return (result, needsDrain)
    }

    /// Every frame waiting, oldest first, leaving the outbox empty (none when it is closed). Called by the drain.
    public func popAll() -> [ByteBuffer] {
        state.withLock { state in
            guard state.closeCode == nil, !state.queue.isEmpty else { return [] }
            let frames = Array(state.queue)
            state.headPosition += UInt64(state.queue.count)
            state.queue.removeAll(keepingCapacity: true)
            state.waitingProgress.removeAll(keepingCapacity: true)
            state.lifecycleBytes = 0
            return frames
        }
    }

    /// Ends a drain. Returns true when frames arrived meanwhile and the drain must go on. A drain that stopped
    /// because the socket cannot take more (`blocked`) stays scheduled: writability resumes it.
    public func endDrain(blocked: Bool) -> Bool {
        state.withLock { state in
            state.blocked = blocked
            if blocked || state.closeCode != nil { return false }
            if state.queue.isEmpty {
                state.drainScheduled = false
                return false
            }
            return true
        }
    }

    /// Stops accepting frames and calls the close handler. The first close code wins.
    public func close(_ code: CloseCode) {
        let handler = state.withLock { Self.close(&$0, code) }
        handler?(code)
    }

    /// Closes the state; returns the close handler to call (outside the lock), taken so it runs once.
    private static func close(_ state: inout State, _ code: CloseCode) -> (@Sendable (CloseCode) -> Void)? {
        guard state.closeCode == nil else { return nil }
        state.closeCode = code
        state.queue.removeAll()
        state.waitingProgress.removeAll()
        state.lifecycleBytes = 0
        defer { state.closeHandler = nil }
        return state.closeHandler
    }

    /// Sets what happens once the outbox closes (the socket sends its close frame); called at once, with the
    /// close code, when the outbox has already closed.
    public func onClose(_ handler: @escaping @Sendable (CloseCode) -> Void) {
        let closedWith = state.withLock { state -> CloseCode? in
            if let code = state.closeCode { return code }
            state.closeHandler = handler
            return nil
        }
        if let closedWith { handler(closedWith) }
    }

    /// Why the outbox closed, once it has.
    public var closeCode: CloseCode? { state.withLock { $0.closeCode } }

    /// Starts dropping duplicate events of `jobID` (see `PushResult.duplicate`), counting events up to
    /// `seenUpTo` as already delivered.
    public func track(_ jobID: JobID, seenUpTo seq: Int = 0) {
        state.withLock { state in
            state.seenSeq[jobID] = max(state.seenSeq[jobID] ?? 0, seq)
        }
    }

    /// Holds back live events of `jobs` while the caller queues their catch-up (with `catchUp: true`), so that a
    /// live event cannot overtake the events it follows.
    public func hold(_ jobs: Set<JobID>) {
        state.withLock { $0.holding.formUnion(jobs) }
    }

    /// Ends `hold` for `jobs`; returns their held events, oldest first, for the caller to push again (those the
    /// catch-up already covered are dropped as duplicates then).
    public func release(_ jobs: Set<JobID>) -> [(frame: ByteBuffer, event: EventTag)] {
        state.withLock { state in
            state.holding.subtract(jobs)
            let released = state.held.filter { jobs.contains($0.event.jobID) }
            state.held.removeAll { jobs.contains($0.event.jobID) }
            return released
        }
    }

    /// Forgets a job's duplicate tracking (after an unsubscribe).
    public func untrack(_ jobID: JobID) {
        _ = state.withLock { $0.seenSeq.removeValue(forKey: jobID) }
    }

    /// Frames waiting, for tests and metrics.
    public var count: Int { state.withLock { $0.queue.count } }
}
