import EaselCore
import EaselProtocol
import NIOCore
import Synchronization

extension ConnectionManager {
    /// One registered socket. Frames are written straight from its outbox to its channel on the channel's event
    /// loop: no task per connection wakes for a message, and a burst of messages costs one flush.
    public final class Connection: Sendable {
        /// `conn_<counter>_<unix seconds>`, the origin's format.
        public let id: String
        public let outbox: Outbox
        /// Index of its event loop's shard in the registry.
        let shard: Int
        /// The client's messages not answered yet, in order.
        let requests = RequestQueue()
        let channel: any Channel
        let eventLoop: any EventLoop
        private let writer: NIOLoopBound<FrameWriter>
        /// Since when (nanoseconds after `ConnectionManager.origin`) the socket has refused more data while frames
        /// wait; 0 when it is not blocked. Read by the stall watchdog.
        private let blockedSince = Atomic<UInt64>(0)
        private let origin: ContinuousClock.Instant
        /// How long a peer has to answer our close frame before the TCP connection is dropped.
        private let closeTimeout: Duration

        /// Must run on the channel's event loop: it puts the connection's `FrameWriter` into the pipeline.
        init(
            id: String, shard: Int, outbox: Outbox, channel: any Channel, origin: ContinuousClock.Instant, closeTimeout: Duration,
            metrics: EaselMetrics
        ) throws {
            self.id = id
            self.shard = shard
            self.outbox = outbox
            self.channel = channel
            self.eventLoop = channel.eventLoop
            self.origin = origin
            self.closeTimeout = closeTimeout
            let writer = FrameWriter()
            try channel.pipeline.syncOperations.addHandler(writer, position: .first)
            self.writer = NIOLoopBound(writer, eventLoop: channel.eventLoop)
            // Strong references (a weak one would give every connection a side table and slow each retain); the
            // cycles end when the channel closes (the handler is removed) and when the outbox closes.
            writer.onWritable = { self.drain() }
            outbox.onClose { code in
                if code == .slowConsumer { metrics.slowConsumerCloses.increment() }
                self.eventLoop.execute { self.sendClose(code) }
            }
        }

        /// Pushes a frame and makes sure a drain will write it.
        @discardableResult
        func send(_ frame: ByteBuffer, event: Outbox.EventTag? = nil, catchUp: Bool = false) -> Outbox.PushResult {
            let (result, needsDrain) = outbox.push(frame, event: event, catchUp: catchUp)
            if needsDrain { eventLoop.execute { self.drain() } }
            return result
        }

        /// Writes every waiting frame, joined into one buffer (one write down the pipeline instead of one per
        /// frame), then flushes once. Runs on the channel's event loop; when
        /// the socket stops taking data, the writability handler calls it again once it does.
        func drain() {
            eventLoop.preconditionInEventLoop()
            let writer = self.writer.value
            repeat {
                // Nothing may follow a close frame.
                if writer.closeSent { return }
                if channel.isWritable {
                    let frames = outbox.popAll()
                    if let frame = Self.joined(frames) {
                        writer.write(frame)
                        writer.flush()
                    }
                }
                let blocked = !channel.isWritable && outbox.count > 0
                if blocked {
                    if blockedSince.load(ordering: .relaxed) == 0 { blockedSince.store(now, ordering: .relaxed) }
                } else {
                    blockedSince.store(0, ordering: .relaxed)
                }
                guard outbox.endDrain(blocked: blocked) else { return }
            } while true
        }

        /// Writes a control frame (pong, ping) at once, ahead of waiting frames. Runs on the event loop.
        func writeControl(_ frame: ByteBuffer) {
            let writer = self.writer.value
            guard !writer.closeSent else { return }
            writer.write(frame)
            writer.flush()
        }

        /// Starts the closing handshake: our close frame, then the peer has `closeTimeout` to answer before the
        /// TCP connection is dropped (a peer that stopped reading never will). With `waitForAnswer` false (a peer
        /// that stopped answering pings) the connection is dropped as soon as the frame is written. Runs on the
        /// event loop.
        func sendClose(_ code: CloseCode, waitForAnswer: Bool = true) {
            let writer = self.writer.value
            guard !writer.closeSent, channel.isActive else { return }
            writer.closeSent = true
            let channel = self.channel
            let written = waitForAnswer ? nil : eventLoop.makePromise(of: Void.self)
            writer.write(WebSocketWire.closeFrame(code: code.code, reason: code.reason), promise: written)
            writer.flush()
            written?.futureResult.whenComplete { _ in channel.close(mode: .all, promise: nil) }
            closeAfterTimeout()
        }

        private func closeAfterTimeout() {
            let channel = self.channel
            eventLoop.scheduleTask(in: .nanoseconds(closeTimeout.nanoseconds)) { channel.close(mode: .all, promise: nil) }
        }

        /// Another handler has sent a close frame (NIO's protocol error handler): nothing may follow it.
        func markClosing() {
            writer.value.closeSent = true
        }

        /// Ends the handshake the peer started: echoes its close code (RFC 6455 §5.5.1) unless we already sent
        /// ours, then closes the TCP connection. Runs on the event loop.
        func answerClose(from payload: ByteBuffer) {
            let writer = self.writer.value
            let channel = self.channel
            guard !writer.closeSent else {
                channel.close(mode: .all, promise: nil)
                return
            }
            writer.closeSent = true
            let answer: ByteBuffer
            switch (payload.readableBytes, payload.getInteger(at: payload.readerIndex, as: UInt16.self)) {
            case (0, _):
                answer = WebSocketWire.closeFrame(echoing: ByteBuffer())
            case (_, let code?) where Self.mayBeSent(code):
                var echo = ByteBuffer()
                echo.writeInteger(code)
                answer = WebSocketWire.closeFrame(echoing: echo)
            default:
                answer = WebSocketWire.closeFrame(code: CloseCode.protocolError.code, reason: "invalid close code")
            }
            let promise = eventLoop.makePromise(of: Void.self)
            writer.write(answer, promise: promise)
            writer.flush()
            promise.futureResult.whenComplete { _ in channel.close(mode: .all, promise: nil) }
            closeAfterTimeout()
        }

        /// Close codes a peer may put in a close frame (RFC 6455 §7.4): 1005, 1006 and 1015 are only reported locally.
        private static func mayBeSent(_ code: UInt16) -> Bool {
            switch code {
            case 1000...1003, 1007...1014, 3000...4999: true
            default: false
            }
        }

        /// The frames as one buffer; the only frame as it is.
        private static func joined(_ frames: [ByteBuffer]) -> ByteBuffer? {
            guard frames.count > 1 else { return frames.first }
            var joined = ByteBuffer()
            joined.reserveCapacity(frames.reduce(0) { $0 + $1.readableBytes })
            for frame in frames { joined.writeImmutableBuffer(frame) }
            return joined
        }

        /// Drops the TCP connection without a closing handshake, for a peer that no longer reads.
        func forceClose() {
            channel.close(mode: .all, promise: nil)
        }

        var blockedSinceNanoseconds: UInt64 { blockedSince.load(ordering: .relaxed) }

        private var now: UInt64 { max(1, UInt64((ContinuousClock.now - origin).nanoseconds)) }
    }
}

/// Sits next to the socket (first in the pipeline) and writes already-encoded WebSocket frames there, skipping
/// the frame encoder: every recipient of an event shares one buffer. It also resumes the connection's drain when
/// the socket can take data again, and remembers whether our close frame has gone out (nothing may follow it).
final class FrameWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    var onWritable: (() -> Void)?
    var closeSent = false
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        onWritable = nil
    }

    func write(_ frame: ByteBuffer, promise: EventLoopPromise<Void>? = nil) {
        if let context {
            context.write(NIOAny(frame), promise: promise)
        } else {
            promise?.fail(ChannelError.ioOnClosedChannel)
        }
    }

    func flush() {
        context?.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { onWritable?() }
        context.fireChannelWritabilityChanged()
    }
}
