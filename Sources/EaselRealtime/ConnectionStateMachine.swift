import EaselCore
import EaselProtocol
import NIOCore

/// Everything one progress socket decides, as a value with no I/O: what waits to be written (`OutboxLanes`),
/// which job events it has already seen, whose live events wait for a catch-up, when to write, when the peer is
/// too slow, and how the closing handshake goes.
///
/// Why a pure value: the socket's decisions used to be spread over an outbox behind a lock, a writer handler, an
/// atomic watched by a watchdog task and a close flag checked in six places. Here every input (a frame to send,
/// the socket's writability, a timer, the peer's close frame) is a mutating method that returns one `Action`, and
/// the socket's one channel handler (`ProgressSocketHandler`) carries it out on its event loop. Time comes in as an
/// argument, so every transition is tested without a socket or a clock (`ConnectionStateMachineTests*`).
///
/// Rules it keeps: lifecycle frames in order and never dropped; progress coalesced per job only while the socket
/// refuses data; previews in a lane of their own (`OutboxLanes`), capped per connection in rate and size
/// (`PreviewCap`) and left out first while behind; a lifecycle backlog over budget, or a socket that refuses
/// data for `writeTimeout`, closes with 4008; nothing is ever written after a close frame.
struct ConnectionStateMachine {
    struct Configuration: Equatable {
        /// Undelivered lifecycle bytes before the connection is closed as a slow consumer.
        var maxLifecycleBytes: Int
        /// How long a broadcast's frames wait so that events close together share a write.
        var writeDelay: TimeAmount
        /// How long the socket may refuse data while frames wait.
        var writeTimeout: TimeAmount
        /// How long the peer has to answer a close frame before the TCP connection is dropped.
        var closeTimeout: TimeAmount
        /// The most previews a connection gets; a subscribe may ask for less (`limitPreviews`).
        var previewCap: PreviewCap

        init(_ configuration: RealtimeConfiguration) {
            self.init(
                maxLifecycleBytes: configuration.maxOutboxBytes,
                writeDelay: .nanoseconds(configuration.writeDelay.nanoseconds),
                writeTimeout: .nanoseconds(configuration.writeTimeout.nanoseconds),
                closeTimeout: .nanoseconds(configuration.writeTimeout.nanoseconds),
                previewCap: PreviewCap(perSecond: configuration.maxPreviewsPerSecond, maxBytes: configuration.maxPreviewBytes))
        }

        init(
            maxLifecycleBytes: Int, writeDelay: TimeAmount, writeTimeout: TimeAmount, closeTimeout: TimeAmount,
            previewCap: PreviewCap = PreviewCap(perSecond: 2, maxBytes: 512 * 1024)
        ) {
            self.maxLifecycleBytes = maxLifecycleBytes
            self.writeDelay = writeDelay
            self.writeTimeout = writeTimeout
            self.closeTimeout = closeTimeout
            self.previewCap = previewCap
        }
    }

    /// What the channel handler must do next.
    enum Action: Equatable {
        case none
        /// Write these bytes (complete frames) next to the socket, then flush.
        case write(ByteBuffer)
        /// Call `drainDue` after this delay; zero means later in this turn of the event loop (a broadcast sets one
        /// timer for all its recipients on a loop).
        case scheduleDrain(after: TimeAmount)
        /// Call `stallTimerFired` at this deadline.
        case startStallTimer(at: NIODeadline)
        /// Write this close frame (status `code`) and flush, then do `then`. Nothing is written after it.
        case writeClose(ByteBuffer, code: UInt16, then: AfterClose)
        /// Close the TCP connection.
        case closeChannel
    }

    /// What follows a close frame.
    enum AfterClose: Equatable {
        /// Wait for the peer's close frame; call `closeTimeoutFired` at the deadline if it has not come.
        case awaitPeer(until: NIODeadline)
        /// Close the TCP connection once the frame is written; call `closeTimeoutFired` at the deadline in case
        /// the write never completes.
        case dropWhenWritten(orAt: NIODeadline)
        /// Close the TCP connection at once: the frame goes out only if the socket still takes data.
        case dropNow
    }

    /// What `push` did with a frame.
    enum PushResult: Equatable {
        case queued
        /// Replaced an older progress frame of the same job that had not been written yet.
        case coalesced
        /// Waits for the job's catch-up (see `beginCatchUp`).
        case held
        /// Dropped: the connection has already seen this job event (a snapshot raced a live event).
        case duplicate
        /// Dropped, and the connection is closing: it is too far behind.
        case overflow
        /// Dropped: the connection is closing or closed.
        case closed
    }

    /// When the waiting frames will be written.
    enum DrainState: Equatable {
        /// Nothing waits.
        case idle
        /// A drain timer is set (the write delay).
        case delayed
        /// The socket refused data while frames wait: writability resumes the drain.
        case blocked(since: NIODeadline)
    }

    /// How far the closing handshake has gone.
    enum CloseState: Equatable {
        case open
        /// Our close frame is out; the peer has until the close timeout to answer.
        case closing
        /// The handshake is over (or was cut short): the TCP connection is being dropped.
        case closed
        /// The channel has closed.
        case gone
    }

    let configuration: Configuration
    var lanes: OutboxLanes
    var catchUp = CatchUp()
    private(set) var drain = DrainState.idle
    /// Changed only by the close transitions (`+Close`).
    var close = CloseState.open
    private(set) var socketWritable = true
    /// A stall timer is set and has not fired.
    private var stallTimerSet = false
    /// A ping is out and its pong has not come back.
    var awaitingPong = false
    /// This connection's preview cap and when it last took a preview.
    var previewGate: PreviewGate

    init(configuration: Configuration) {
        self.configuration = configuration
        self.lanes = OutboxLanes(maxLifecycleBytes: configuration.maxLifecycleBytes)
        self.previewGate = PreviewGate(cap: configuration.previewCap)
    }

    /// The connection is behind: its socket refuses data while frames wait.
    var isBehind: Bool {
        if case .blocked = drain { true } else { false }
    }

    /// Client messages are still worth answering.
    var isOpen: Bool { close == .open }

    // MARK: Frames in

    /// Queues a broadcast frame, written after the write delay. `preview` is the same event with its preview image:
    /// it waits in the preview lane when the connection is not behind and its `PreviewGate` lets it through.
    /// Events of a job being caught up are held, without previews (see `beginCatchUp`); events already seen are
    /// dropped.
    mutating func push(_ frame: ByteBuffer, preview: ByteBuffer? = nil, event: EventTag?, now: NIODeadline) -> (PushResult, Action) {
        if let event, catchUp.holds(event.jobID), close == .open {
            catchUp.hold(frame, event: event)
            return (.held, .none)
        }
        let admitted = preview.flatMap { isBehind || !socketWritable || close != .open ? nil : previewGate.admit($0, now: now) }
        let result = enqueue(frame, preview: admitted, event: event)
        return (result, actionAfterPush(result, immediate: false, now: now))
    }

    /// Queues a reply to the client's own message: written in this turn of the event loop, with no write delay
    /// (replies queued together, such as a confirmation and its catch-up, share the write), unless a delayed write
    /// is already due (the reply joins it) or the socket is behind.
    mutating func reply(_ frame: ByteBuffer, now: NIODeadline) -> Action {
        actionAfterPush(enqueue(frame, event: nil), immediate: true, now: now)
    }

    /// Duplicate check, then the lanes (`actionAfterPush` turns an overflow into the close).
    mutating func enqueue(_ frame: ByteBuffer, preview: ByteBuffer? = nil, event: EventTag?) -> PushResult {
        guard close == .open else { return .closed }
        if let event, !catchUp.isNew(event) { return .duplicate }
        switch lanes.append(frame, preview: preview, event: event, coalesce: isBehind) {
        case .queued: return .queued
        case .coalesced: return .coalesced
        case .overBudget: return .overflow
        }
    }

    /// After a frame was queued: set the drain timer (the write delay, or none for a reply), or wait for the
    /// drain already under way. An overflow closes as a slow consumer.
    mutating func actionAfterPush(_ result: PushResult, immediate: Bool, now: NIODeadline) -> Action {
        switch result {
        case .overflow:
            return requestClose(.slowConsumer, now: now)
        case .held, .duplicate, .closed, .coalesced:
            return .none
        case .queued:
            guard drain == .idle else { return .none }
            drain = .delayed
            return .scheduleDrain(after: immediate ? .zero : configuration.writeDelay)
        }
    }

    // MARK: Writing

    /// The drain timer fired: write what waits.
    mutating func drainDue(now: NIODeadline) -> Action {
        drainNow(now: now)
    }

    /// Writes every waiting frame as one buffer if the socket takes data; otherwise the connection is behind
    /// from now on and a stall timer watches it (its previews went when the socket stopped taking data).
    mutating func drainNow(now: NIODeadline) -> Action {
        guard close == .open else { return .none }
        guard !lanes.isEmpty else {
            drain = .idle
            return .none
        }
        if socketWritable, let bytes = lanes.takeAll() {
            drain = .idle
            return .write(bytes)
        }
        let since: NIODeadline
        if case .blocked(let start) = drain { since = start } else { since = now }
        drain = .blocked(since: since)
        guard !stallTimerSet else { return .none }
        stallTimerSet = true
        return .startStallTimer(at: since + configuration.writeTimeout)
    }

    /// The socket's writability changed (NIO's high and low water marks); taking data again resumes the drain.
    /// A socket that stops taking data loses its waiting previews at once.
    mutating func writabilityChanged(_ writable: Bool, now: NIODeadline) -> Action {
        socketWritable = writable
        if !writable { lanes.stripPreviews() }
        guard writable, isBehind else { return .none }
        return drainNow(now: now)
    }

    /// The stall timer fired: a socket that has refused data for `writeTimeout` belongs to a peer that stopped
    /// reading. It is closed with 4008 and dropped at once (its socket would not take a handshake either).
    mutating func stallTimerFired(now: NIODeadline) -> Action {
        stallTimerSet = false
        guard close == .open, case .blocked(let since) = drain else { return .none }
        let deadline = since + configuration.writeTimeout
        guard now < deadline else { return closeFrame(.slowConsumer, then: .dropNow) }
        // Blocked again since the timer was set: watch the new stretch.
        stallTimerSet = true
        return .startStallTimer(at: deadline)
    }
}
