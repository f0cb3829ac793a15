import NIOCore

/// One subscriber's socket: sends the upgrade request, subscribes on `connected`, and for every job event
/// records the latency from the event's creation (its `timestamp`) to now, and any gap in the job's `seq`
/// (progress the server coalesced). Runs on its channel's event loop only.
final class SubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let behavior: SubscriberBehavior
    private let upgradeRequest: String
    private let shard: DeliveryRecorder.Shard
    private let counters: ConnectionCounters
    /// Completed once: on confirmation, or failed when the socket ends first.
    private var confirmation: EventLoopPromise<Void>?
    private var upgraded = false
    private var stalled = false
    private var closing = false
    private var pending: ByteBuffer?
    /// Last `seq` seen per job (by `job_id` hash); forgotten when the job completes.
    private var lastSeq: [UInt64: Int] = [:]

    init(
        behavior: SubscriberBehavior, upgradeRequest: String, shard: DeliveryRecorder.Shard, counters: ConnectionCounters,
        confirmation: EventLoopPromise<Void>?
    ) {
        self.behavior = behavior
        self.upgradeRequest = upgradeRequest
        self.shard = shard
        self.counters = counters
        self.confirmation = confirmation
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: upgradeRequest)), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !closing { counters.closedByServer(stalled: stalled) }
        confirmation?.fail(ChannelError.ioOnClosedChannel)
        confirmation = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var buffer = pending {
            buffer.writeBuffer(&incoming)
            pending = nil
            process(&buffer, context: context)
        } else {
            process(&incoming, context: context)
        }
    }

    private func process(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        if !upgraded {
            guard let accepted = WebSocketFraming.readUpgradeResponse(&buffer) else {
                pending = buffer
                return
            }
            guard accepted else {
                context.close(promise: nil)
                return
            }
            upgraded = true
        }
        let receivedAt = WireTime.nowMicros()
        while let frame = WebSocketFraming.readFrame(&buffer) {
            handle(frame, receivedAt: receivedAt, context: context)
        }
        if buffer.readableBytes > 0 {
            buffer.discardReadBytes()
            pending = buffer
        }
    }

    private func handle(_ frame: WebSocketFraming.Frame, receivedAt: Int64, context: ChannelHandlerContext) {
        switch WebSocketFraming.Opcode(rawValue: frame.opcode) {
        case .text:
            let parsed = frame.payload.withUnsafeReadableBytes { ServerFrame.parse($0) }
            if let parsed { handle(parsed, receivedAt: receivedAt, context: context) }
        case .ping:
            send(.pong, payload: frame.payload, context: context)
        case .close:
            counters.closeFrame(code: frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt16.self) ?? 1005)
            if !closing {
                counters.closedByServer(stalled: stalled)
                closing = true
                send(.close, payload: frame.payload.getSlice(at: frame.payload.readerIndex, length: min(2, frame.payload.readableBytes)) ?? ByteBuffer(), context: context)
                context.close(promise: nil)
            }
        default:
            break
        }
    }

    private func handle(_ message: ServerFrame, receivedAt: Int64, context: ChannelHandlerContext) {
        switch message.kind {
        case .connected:
            send(.text, payload: ByteBuffer(string: behavior.subscribeMessage), context: context)
        case .subscriptionConfirmed:
            counters.confirmed()
            confirmation?.succeed()
            confirmation = nil
            if behavior.stalls { stall(context: context) }
        case .started, .progress, .completed:
            var skipped = 0
            if let key = message.jobKey, let seq = message.seq {
                if let last = lastSeq[key], seq > last + 1 { skipped = seq - last - 1 }
                if message.kind == .completed { lastSeq[key] = nil } else { lastSeq[key] = max(seq, lastSeq[key] ?? 0) }
            }
            guard behavior.measured else { return }
            shard.record(message.kind, latencyMicros: message.timestampMicros.map { receivedAt - $0 }, skipped: skipped)
        case .pong, .error, .other:
            break
        }
    }

    private func stall(context: ChannelHandlerContext) {
        stalled = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        sendStallPings(behavior.stallPings, batch: 35, context: context)
    }

    /// Sends `batch` padded pings now and the rest 18 a second: the server's default allows a burst of 40
    /// messages and 20 a second.
    private func sendStallPings(_ remaining: Int, batch: Int, context: ChannelHandlerContext) {
        guard remaining > 0, context.channel.isActive else { return }
        let ping = ByteBuffer(string: #"{"type":"ping","data":"\#(String(repeating: "x", count: SubscriberBehavior.stallPingBytes))"}"#)
        for _ in 0..<min(remaining, batch) { send(.text, payload: ping, context: context) }
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(1)) {
            loopBound.value.handler.sendStallPings(remaining - batch, batch: 18, context: loopBound.value.context)
        }
    }

    /// `ClientClose` closes the socket as the client's own decision, which is then not counted as a server close.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ClientClose else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        closing = true
        context.close(promise: nil)
    }

    private func send(_ opcode: WebSocketFraming.Opcode, payload: ByteBuffer, context: ChannelHandlerContext) {
        let frame = WebSocketFraming.clientFrame(opcode, payload: payload, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }
}

/// Sent through a subscriber's pipeline to close it from the client side.
struct ClientClose: Sendable {}
