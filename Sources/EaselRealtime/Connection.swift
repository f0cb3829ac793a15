import EaselCore
import EaselProtocol
import NIOCore
import NIOWebSocket
import Synchronization

extension ConnectionManager {
    /// One registered socket. Frames are written straight from its outbox to its channel on the channel's event
    /// loop: no task per connection wakes for a message, and a burst of messages costs one flush.
    public final class Connection: Sendable {
        /// `conn_<counter>_<unix seconds>`, the origin's format.
        public let id: String
        public let outbox: Outbox
        let channel: any Channel
        private let writer: NIOLoopBound<FrameWriter>
        /// Since when (nanoseconds after `ConnectionManager.origin`) the socket has refused more data while frames
        /// wait; 0 when it is not blocked. Read by the stall watchdog.
        private let blockedSince = Atomic<UInt64>(0)
        private let origin: ContinuousClock.Instant

        /// Must run on the channel's event loop: it puts the connection's `FrameWriter` into the pipeline.
        init(id: String, outbox: Outbox, channel: any Channel, origin: ContinuousClock.Instant) throws {
            self.id = id
            self.outbox = outbox
            self.channel = channel
            self.origin = origin
            let writer = FrameWriter()
            try channel.pipeline.syncOperations.addHandler(writer, position: .first)
            self.writer = NIOLoopBound(writer, eventLoop: channel.eventLoop)
            // A strong reference (a weak one would give every connection a side table and slow each retain);
            // the cycle ends when the channel closes and removes the handler.
            writer.onWritable = { self.drain() }
        }

        /// Pushes a frame and makes sure a drain will write it.
        @discardableResult
        func send(_ frame: ByteBuffer, event: (jobID: JobID, seq: Int, isProgress: Bool)? = nil) -> Outbox.PushResult {
            let (result, needsDrain) = outbox.push(frame, event: event)
            if needsDrain { channel.eventLoop.execute { self.drain() } }
            return result
        }

        /// Writes every waiting frame the socket takes, then flushes once. Runs on the channel's event loop; when
        /// the socket stops taking data, the writability handler calls it again once it does.
        func drain() {
            channel.eventLoop.preconditionInEventLoop()
            let writer = self.writer.value
            repeat {
                var wrote = false
                while channel.isWritable, let frame = outbox.popForWrite() {
                    writer.write(frame)
                    wrote = true
                }
                if wrote { writer.flush() }
                let blocked = !channel.isWritable && outbox.count > 0
                if blocked {
                    if blockedSince.load(ordering: .relaxed) == 0 { blockedSince.store(now, ordering: .relaxed) }
                } else {
                    blockedSince.store(0, ordering: .relaxed)
                }
                guard outbox.endDrain(blocked: blocked) else { return }
            } while true
        }

        /// Drops the TCP connection without a closing handshake, for a peer that no longer reads.
        func forceClose() {
            channel.close(mode: .all, promise: nil)
        }

        /// Drops the TCP connection if it is still open after `delay` (a close frame had that long to get through).
        func forceCloseAfter(_ delay: Duration) {
            let channel = self.channel
            guard channel.isActive else { return }
            channel.eventLoop.scheduleTask(in: .nanoseconds(delay.nanoseconds)) { channel.close(mode: .all, promise: nil) }
        }

        var blockedSinceNanoseconds: UInt64 { blockedSince.load(ordering: .relaxed) }

        private var now: UInt64 { max(1, UInt64((ContinuousClock.now - origin).nanoseconds)) }
    }
}

/// Sits next to the socket (first in the pipeline) and writes already-encoded WebSocket frames there, skipping
/// the frame encoder: every recipient of an event shares one buffer. It also resumes the connection's drain when
/// the socket can take data again.
final class FrameWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    var onWritable: (() -> Void)?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        onWritable = nil
    }

    func write(_ frame: ByteBuffer) {
        context?.write(NIOAny(frame), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { onWritable?() }
        context.fireChannelWritabilityChanged()
    }
}
