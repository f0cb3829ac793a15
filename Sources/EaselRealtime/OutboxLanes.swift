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
///
/// Previews have a lane of their own. A progress frame that carries a preview waits there (at most one per job) and
/// is written after every other waiting frame, so its bytes never hold back a lifecycle or progress frame. That
/// keeps each job's `seq` order because the preview lane only ever holds a job's newest frame: when any other frame
/// of the same job arrives, the waiting preview's plain frame (the same event without `preview_image`) takes its
/// place in the main lane first. `stripPreviews` does the same for every job when the socket falls behind, so
/// previews are the first thing a slow connection loses. Preview bytes never count against the lifecycle budget.
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
    /// Progress frames with a preview, newest per job: the frame to write and the same event without its preview.
    private var previews: [(event: EventTag, plain: ByteBuffer, preview: ByteBuffer)] = []

    init(maxLifecycleBytes: Int) {
        self.maxLifecycleBytes = maxLifecycleBytes
    }

    var isEmpty: Bool { queue.isEmpty && previews.isEmpty }
    var count: Int { queue.count + previews.count }
    /// Previews waiting in their lane.
    var previewCount: Int { previews.count }

    /// Queues a frame. A progress frame (`event.isProgress`) replaces its job's waiting one when `coalesce` is set.
    /// `preview`, for a progress frame, is the same event with its preview image: it waits in the preview lane.
    mutating func append(_ frame: ByteBuffer, preview: ByteBuffer? = nil, event: EventTag?, coalesce: Bool) -> Appended {
        if let event, let index = previews.firstIndex(where: { $0.event.jobID == event.jobID }) {
            // This job's waiting preview is no longer its newest frame: it goes on as a plain frame, in order.
            let waiting = previews.remove(at: index)
            _ = appendMain(waiting.plain, event: waiting.event, coalesce: coalesce)
        }
        if let event, event.isProgress, let preview {
            previews.append((event, frame, preview))
            return .queued
        }
        return appendMain(frame, event: event, coalesce: coalesce)
    }

    /// Moves every waiting preview to the main lane as its plain frame (coalesced like any progress frame while
    /// the socket refuses data). Returns how many previews were dropped.
    @discardableResult
    mutating func stripPreviews() -> Int {
        let stripped = previews
        previews.removeAll(keepingCapacity: true)
        for waiting in stripped {
            _ = appendMain(waiting.plain, event: waiting.event, coalesce: true)
        }
        return stripped.count
    }

    private mutating func appendMain(_ frame: ByteBuffer, event: EventTag?, coalesce: Bool) -> Appended {
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
    /// Previews come last (see the type's comment).
    mutating func takeAll() -> ByteBuffer? {
        let joined: ByteBuffer
        if queue.count == 1, previews.isEmpty, let first = queue.first {
            joined = first
        } else if queue.isEmpty, previews.count == 1, let only = previews.first {
            joined = only.preview
        } else {
            guard !isEmpty else { return nil }
            var buffer = ByteBuffer()
            buffer.reserveCapacity(queue.reduce(0) { $0 + $1.readableBytes } + previews.reduce(0) { $0 + $1.preview.readableBytes })
            for frame in queue { buffer.writeImmutableBuffer(frame) }
            for waiting in previews { buffer.writeImmutableBuffer(waiting.preview) }
            joined = buffer
        }
        headPosition += UInt64(queue.count)
        queue.removeAll(keepingCapacity: true)
        waitingProgress.removeAll(keepingCapacity: true)
        previews.removeAll(keepingCapacity: true)
        lifecycleBytes = 0
        return joined
    }

    /// Forgets every waiting frame (the connection is closing: nothing may follow its close frame).
    mutating func discardAll() {
        queue = []
        waitingProgress = []
        previews = []
        lifecycleBytes = 0
    }
}
