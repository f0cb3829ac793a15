import DequeModule
import EaselCore
import NIOCore

/// The job event a frame carries: which job, its `seq`, and whether it is a progress update (which may be
/// coalesced) or a lifecycle event (which never is).
struct EventTag: Sendable, Equatable {
    var jobID: JobID
    var seq: Int
    var isProgress: Bool

    init(jobID: JobID, seq: Int, isProgress: Bool) {
        self.jobID = jobID
        self.seq = seq
        self.isProgress = isProgress
    }
}

/// One connection's frames waiting to be written, as a plain value owned by its `ConnectionStateMachine`.
///
/// Broadcasts only append here and never wait on the socket, so a slow client delays nobody else (the origin
/// awaited every send inline, its G11). Lifecycle frames keep their order and are never dropped; they count against
/// a byte budget, and the caller closes the connection when it is exceeded. A progress frame replaces its job's
/// waiting progress frame only when asked to (the socket refuses data): a client that keeps up sees every update.
struct OutboxLanes {
    /// What `append` did with a frame.
    enum Appended: Equatable {
        case queued
        /// Took the place of an older progress frame of the same job.
        case coalesced
        /// Not queued: the lifecycle frames waiting would exceed the budget.
        case overBudget
    }

    private var queue: Deque<ByteBuffer> = []
    /// Position (in append order) of `queue.first`.
    private var headPosition: UInt64 = 0
    /// Position of each job's progress frame still waiting. A few jobs run at once, so a linear search beats
    /// hashing the job id for every frame.
    private var waitingProgress: [(jobID: JobID, position: UInt64)] = []
    private(set) var lifecycleBytes = 0
    let maxLifecycleBytes: Int

    init(maxLifecycleBytes: Int) {
        self.maxLifecycleBytes = maxLifecycleBytes
    }

    var isEmpty: Bool { queue.isEmpty }
    var count: Int { queue.count }

    /// Queues a frame. A progress frame (`event.isProgress`) replaces its job's waiting one when `coalesce` is set.
    mutating func append(_ frame: ByteBuffer, event: EventTag?, coalesce: Bool) -> Appended {
        let waiting = event.flatMap { event in waitingProgress.firstIndex { $0.jobID == event.jobID } }
        if let event, event.isProgress {
            if coalesce, let waiting {
                queue[Int(waitingProgress[waiting].position - headPosition)] = frame
                return .coalesced
            }
            let position = headPosition + UInt64(queue.count)
            if let waiting {
                waitingProgress[waiting].position = position
            } else {
                waitingProgress.append((event.jobID, position))
            }
            queue.append(frame)
            return .queued
        }
        guard lifecycleBytes + frame.readableBytes <= maxLifecycleBytes else { return .overBudget }
        // A later progress frame of this job must not take a place ahead of this one.
        if let waiting { waitingProgress.remove(at: waiting) }
        lifecycleBytes += frame.readableBytes
        queue.append(frame)
        return .queued
    }

    /// Every waiting frame, oldest first, joined into one buffer (one write down the pipeline instead of one per
    /// frame); nil when none waits. Leaves the lanes empty.
    mutating func takeAll() -> ByteBuffer? {
        guard let first = queue.first else { return nil }
        let joined: ByteBuffer
        if queue.count == 1 {
            joined = first
        } else {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(queue.reduce(0) { $0 + $1.readableBytes })
            for frame in queue { buffer.writeImmutableBuffer(frame) }
            joined = buffer
        }
        headPosition += UInt64(queue.count)
        queue.removeAll(keepingCapacity: true)
        waitingProgress.removeAll(keepingCapacity: true)
        lifecycleBytes = 0
        return joined
    }

    /// Forgets every waiting frame (the connection is closing: nothing may follow its close frame).
    mutating func discardAll() {
        queue = []
        waitingProgress = []
        lifecycleBytes = 0
    }
}
