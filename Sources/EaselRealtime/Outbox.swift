import DequeModule
import EaselCore
import EaselProtocol
import NIOCore
import Synchronization

/// One connection's frames waiting to be written. Broadcasts only append here and never wait on the socket,
/// so a slow client delays nobody else (the origin awaited every send inline, its G11).
/// Lifecycle frames are kept in order and never dropped; a progress frame replaces the job's progress frame that
/// is still waiting (latest wins). When the lifecycle frames waiting exceed the byte budget, the outbox closes
/// itself with `slowConsumer` and the session closes the socket.
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

    private struct Entry {
        var frame: ByteBuffer
        let coalesceKey: JobID?
    }

    private struct State {
        var queue: Deque<Entry> = []
        /// Position (in push order) of `queue.first`.
        var headPosition: UInt64 = 0
        /// Position of each job's progress frame still waiting.
        var waitingProgress: [JobID: UInt64] = [:]
        var lifecycleBytes = 0
        var waiter: CheckedContinuation<ByteBuffer?, Never>?
        var closeCode: CloseCode?
        /// Highest event `seq` pushed per explicitly subscribed job, to drop duplicates.
        var seenSeq: [JobID: Int] = [:]
    }

    private let state = Mutex(State())
    private let maxLifecycleBytes: Int

    /// - Parameter maxLifecycleBytes: budget for lifecycle frames waiting to be written.
    public init(maxLifecycleBytes: Int) {
        self.maxLifecycleBytes = maxLifecycleBytes
    }

    /// Appends a frame. `event` names the job event it carries, if any; progress events coalesce.
    @discardableResult
    public func push(_ frame: ByteBuffer, event: (jobID: JobID, seq: Int, isProgress: Bool)? = nil) -> PushResult {
        let (result, waiter) = state.withLock { state -> (PushResult, CheckedContinuation<ByteBuffer?, Never>?) in
            guard state.closeCode == nil else { return (.closed, nil) }
            if let event, event.seq > 0, let seen = state.seenSeq[event.jobID] {
                if event.seq <= seen { return (.duplicate, nil) }
                state.seenSeq[event.jobID] = event.seq
            }
            if let waiter = state.waiter {
                state.waiter = nil
                return (.queued, waiter)
            }
            if let event, event.isProgress, let position = state.waitingProgress[event.jobID] {
                state.queue[Int(position - state.headPosition)].frame = frame
                return (.coalesced, nil)
            }
            if let event, event.isProgress {
                state.waitingProgress[event.jobID] = state.headPosition + UInt64(state.queue.count)
                state.queue.append(Entry(frame: frame, coalesceKey: event.jobID))
                return (.queued, nil)
            }
            if state.lifecycleBytes + frame.readableBytes > maxLifecycleBytes {
                state.closeCode = .slowConsumer
                state.queue.removeAll()
                state.waitingProgress.removeAll()
                return (.overflow, nil)
            }
            state.lifecycleBytes += frame.readableBytes
            state.queue.append(Entry(frame: frame, coalesceKey: nil))
            return (.queued, nil)
        }
        waiter?.resume(returning: frame)
        return result
    }

    /// The next frame to write, waiting for one if needed; nil once the outbox is closed.
    public func next() async -> ByteBuffer? {
        if let frame = state.withLock({ takeFirst(&$0) }) { return frame }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<ByteBuffer?, Never>) in
                let immediate: ByteBuffer?? = state.withLock { state in
                    if let frame = takeFirst(&state) { return .some(frame) }
                    if state.closeCode != nil || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            close(.goingAway)
        }
    }

    /// Stops accepting frames; a waiting `next()` returns nil. The first close code wins.
    public func close(_ code: CloseCode) {
        let waiter = state.withLock { state -> CheckedContinuation<ByteBuffer?, Never>? in
            if state.closeCode == nil { state.closeCode = code }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
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

    /// Forgets a job's duplicate tracking (after an unsubscribe).
    public func untrack(_ jobID: JobID) {
        _ = state.withLock { $0.seenSeq.removeValue(forKey: jobID) }
    }

    /// Frames waiting, for tests and metrics.
    public var count: Int { state.withLock { $0.queue.count } }

    private func takeFirst(_ state: inout State) -> ByteBuffer? {
        guard state.closeCode == nil, let entry = state.queue.popFirst() else { return nil }
        state.headPosition += 1
        if let key = entry.coalesceKey {
            state.waitingProgress[key] = nil
        } else {
            state.lifecycleBytes -= entry.frame.readableBytes
        }
        return entry.frame
    }
}
