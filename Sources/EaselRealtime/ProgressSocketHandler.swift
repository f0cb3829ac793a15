import EaselCore
import EaselProtocol
import Logging
import NIOCore
import NIOWebSocket

/// The progress socket after the HTTP upgrade: the one channel handler that owns the connection's
/// `ConnectionStateMachine` and carries out its actions. It registers the connection, feeds the machine every
/// input (frames to send, client frames, writability, timers, errors, shutdown) and performs what comes back:
/// writes, timers, closes. Everything runs on the socket's event loop and nothing waits between messages, so an
/// idle connection costs a few small objects and no task.
///
/// Frames are already encoded (`WebSocketWire`) and enter the pipeline at `RawFrameOutlet`, next to the socket,
/// skipping NIO's frame encoder: every recipient of an event shares one buffer. The encoder stays for NIO's
/// protocol error handler alone.
final class ProgressSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame

    private let service: WebSocketService
    /// Not checked for overlapping access at run time (every broadcast frame passes through it): the machine's
    /// methods are pure and never call back into the handler, so no access to it can overlap another; each
    /// action is carried out after the method that returned it has finished.
    @exclusivity(unchecked) private var machine: ConnectionStateMachine
    private var limiter: MessageRateLimiter
    /// Set while registered: the connection's id and its queue of client messages.
    private var registration: (id: String, requests: RequestQueue)?
    private var heartbeat: RepeatedTask?
    /// The stall and close timers; cancelled when the channel closes, so none keeps a closed socket's handler alive.
    private var stallTimer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// Where raw frames enter the pipeline.
    private var outlet: ChannelHandlerContext?

    init(service: WebSocketService) {
        self.service = service
        let configuration = service.configuration
        machine = ConnectionStateMachine(configuration: .init(configuration))
        limiter = MessageRateLimiter(perSecond: configuration.maxMessagesPerSecond, burst: configuration.messageBurst, now: .now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        outlet = try? context.pipeline.syncOperations.context(handlerType: RawFrameOutlet.self)
        perform(machine.writabilityChanged(context.channel.isWritable, now: now))
        guard let connection = service.manager.register(self, on: context.eventLoop) else {
            // Full: a close frame with 1013 and nothing else; the peer answers, then the TCP connection ends
            // (closing at once could reach a client before it has finished its side of the upgrade).
            perform(machine.requestClose(.tryAgainLater, now: now))
            return
        }
        registration = (connection.id, connection.requests)
        service.greet(connection)
        let interval = TimeAmount.nanoseconds(service.configuration.heartbeatInterval.nanoseconds)
        // The timer holds the handler until `release` cancels it.
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        heartbeat = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let handler = handler.value
            handler.perform(handler.machine.heartbeatFired(now: handler.now))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        machine.channelClosed()
        release()
        self.context = nil
        outlet = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        machine.channelClosed()
        release()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        perform(machine.writabilityChanged(context.channel.isWritable, now: now))
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            submit(limiter.allow(at: .now) ? .text(String(buffer: frame.unmaskedData)) : .rateLimited)
        case .binary:
            submit(limiter.allow(at: .now) ? .binary : .rateLimited)
        case .ping:
            perform(machine.pingReceived(frame.unmaskedData))
        case .pong:
            machine.pongReceived()
        case .connectionClose:
            perform(machine.peerClosed(frame.unmaskedData, now: now))
        default:
            break
        }
    }

    /// Frames the decoder rejects are answered by NIO's protocol error handler (1009 for an oversized frame, 1002
    /// for a malformed one); a fragmented message over the size limit is refused here the same way.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge, NIOWebSocketFrameAggregator.Error.tooManyFragments:
            perform(machine.requestClose(.messageTooLarge, now: now))
        case is NIOWebSocketFrameAggregator.Error:
            perform(machine.requestClose(.protocolError, now: now))
        case is NIOWebSocketError:
            machine.protocolErrorSent()
        default:
            context.close(mode: .all, promise: nil)
        }
    }

    /// Graceful server shutdown: the connection closes with "going away". The peer's end of the TCP stream closing
    /// (the server allows half-closure for HTTP) means the peer is gone: WebSocket has no half-open state.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            perform(machine.requestClose(.goingAway, now: now))
        case ChannelEvent.inputClosed:
            context.close(mode: .all, promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Inputs from the registry and the service (always on the event loop)

    /// Queues a broadcast frame (`event` nil: a frame about no job, in the lifecycle lane); true when the caller must call `drainDue` after the write delay (a broadcast sets
    /// one timer per event loop for all its recipients). `coalesced` counts for metrics.
    func deliver(_ frame: ByteBuffer, preview: ByteBuffer?, event: EventTag?, now: NIODeadline) -> (needsDrain: Bool, coalesced: Bool) {
        let (result, action) = machine.push(frame, preview: preview, event: event, now: now)
        switch action {
        case .none: return (false, result == .coalesced)
        case .scheduleDrain: return (true, false)
        default:
            perform(action)
            return (false, false)
        }
    }

    func drainDue() { perform(machine.drainDue(now: now)) }

    func reply(_ frame: ByteBuffer) { perform(machine.reply(frame, now: now)) }

    func beginCatchUp(_ jobs: Set<JobID>) { machine.beginCatchUp(jobs) }

    func endCatchUp(_ jobs: Set<JobID>, seenUpTo: [JobID: Int], events: [(frame: ByteBuffer, event: EventTag)]) {
        perform(machine.endCatchUp(jobs, seenUpTo: seenUpTo, events: events, now: now))
    }

    func forget(_ jobs: Set<JobID>) { machine.forget(jobs) }

    func limitPreviews(perSecond: Double?, maxBytes: Int?) { machine.limitPreviews(perSecond: perSecond, maxBytes: maxBytes) }

    func requestClose(_ code: CloseCode) { perform(machine.requestClose(code, now: now)) }

    /// Whether the connection is behind (its previews are left out).
    var isBehind: Bool { machine.isBehind }

    // MARK: Carrying out actions

    /// The event loop's clock (virtual on an `EmbeddedEventLoop`, so tests can move it).
    private var now: NIODeadline { context?.eventLoop.now ?? .now() }

    private func perform(_ action: ConnectionStateMachine.Action) {
        guard let context else { return }
        switch action {
        case .none:
            break
        case .write(let bytes):
            outlet?.write(NIOAny(bytes), promise: nil)
            outlet?.flush()
        case .scheduleDrain(let delay) where delay == .zero:
            context.eventLoop.assumeIsolated().execute { self.drainDue() }
        case .scheduleDrain(let delay):
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.drainDue() }
        case .startStallTimer(let deadline):
            stallTimer?.cancel()
            stallTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                self.perform(self.machine.stallTimerFired(now: self.now))
            }
        case .writeClose(let frame, let code, let then):
            if code == CloseCode.slowConsumer.code { service.manager.metrics.slowConsumerCloses.increment() }
            if then == .dropNow {
                service.logger.notice("closed a connection whose writes stalled", metadata: ["connection": "\(registration?.id ?? "-")"])
            }
            writeClose(frame, then: then, context: context)
        case .closeChannel:
            context.close(mode: .all, promise: nil)
        }
    }

    private func writeClose(_ frame: ByteBuffer, then: ConnectionStateMachine.AfterClose, context: ChannelHandlerContext) {
        let loop = context.eventLoop.assumeIsolated()
        switch then {
        case .awaitPeer(let deadline):
            outlet?.write(NIOAny(frame), promise: nil)
            outlet?.flush()
            closeTimer = loop.scheduleTask(deadline: deadline) { self.perform(self.machine.closeTimeoutFired()) }
        case .dropWhenWritten(let deadline):
            let written = context.eventLoop.makePromise(of: Void.self)
            outlet?.write(NIOAny(frame), promise: written)
            outlet?.flush()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(mode: .all, promise: nil) }
            closeTimer = loop.scheduleTask(deadline: deadline) { self.perform(self.machine.closeTimeoutFired()) }
        case .dropNow:
            outlet?.write(NIOAny(frame), promise: nil)
            outlet?.flush()
            context.close(mode: .all, promise: nil)
        }
    }

    private func submit(_ request: RequestQueue.Request) {
        guard machine.isOpen, let registration else { return }
        if registration.requests.append(request) { service.answerRequests(of: registration.id) }
    }

    /// Forgets the connection everywhere: the registry and every timer.
    private func release() {
        for timer in [stallTimer, closeTimer] { timer?.cancel() }
        (stallTimer, closeTimer) = (nil, nil)
        heartbeat?.cancel()
        heartbeat = nil
        guard let registration else { return }
        self.registration = nil
        service.manager.unregister(id: registration.id)
    }
}

/// Marks the place next to the socket (first in the pipeline) where `ProgressSocketHandler` writes its raw,
/// pre-encoded frames, so that they skip NIO's frame encoder. It does nothing itself.
final class RawFrameOutlet: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
}
