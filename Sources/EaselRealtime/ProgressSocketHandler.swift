import EaselProtocol
import NIOCore
import NIOWebSocket

/// The progress socket after the HTTP upgrade, as a channel handler: it registers the connection, sends the
/// heartbeat pings, answers control frames and hands client messages to the `WebSocketService`. Everything runs
/// on the socket's event loop and nothing waits between messages, so an idle connection costs a few small objects
/// and no task.
final class ProgressSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame

    private let service: WebSocketService
    private var connection: ConnectionManager.Connection?
    private var limiter: MessageRateLimiter
    private var heartbeat: RepeatedTask?
    /// A ping is out and its pong has not come back.
    private var awaitingPong = false
    /// The server was full: the socket only waits for the peer to answer our close frame.
    private var refused = false

    init(service: WebSocketService) {
        self.service = service
        let configuration = service.configuration
        limiter = MessageRateLimiter(perSecond: configuration.maxMessagesPerSecond, burst: configuration.messageBurst, now: .now)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        guard let connection = try? service.manager.register(channel: channel) else {
            refuse(context: context)
            return
        }
        self.connection = connection
        service.greet(connection)
        let interval = TimeAmount.nanoseconds(service.configuration.heartbeatInterval.nanoseconds)
        // The cycle (handler → task → handler) ends when `release` cancels the task.
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        heartbeat = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            handler.value.beat()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) { release() }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if refused, frame.opcode == .connectionClose { context.close(mode: .all, promise: nil) }
        guard let connection else { return }
        switch frame.opcode {
        case .text:
            submit(limiter.allow(at: .now) ? .text(String(buffer: frame.unmaskedData)) : .rateLimited, from: connection)
        case .binary:
            submit(limiter.allow(at: .now) ? .binary : .rateLimited, from: connection)
        case .ping:
            connection.writeControl(WebSocketWire.pongFrame(echoing: frame.unmaskedData))
        case .pong:
            awaitingPong = false
        case .connectionClose:
            connection.answerClose(from: frame.unmaskedData)
            connection.outbox.close(.goingAway)
        default:
            break
        }
    }

    /// Frames the decoder rejects are answered by NIO's protocol error handler (1009 for an oversized frame, 1002
    /// for a malformed one); a fragmented message over the size limit is refused here the same way.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketFrameAggregator.Error.accumulatedFrameSizeIsTooLarge, NIOWebSocketFrameAggregator.Error.tooManyFragments:
            connection?.outbox.close(.messageTooLarge)
        case is NIOWebSocketFrameAggregator.Error:
            connection?.outbox.close(.protocolError)
        case is NIOWebSocketError:
            // NIO's protocol error handler has sent the close frame and closes the socket.
            connection?.markClosing()
            connection?.outbox.close(.protocolError)
        default:
            context.close(mode: .all, promise: nil)
        }
    }

    /// Graceful server shutdown: the connection closes with "going away". The peer's end of the TCP stream closing
    /// (the server allows half-closure for HTTP) means the peer is gone: WebSocket has no half-open state.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            connection?.outbox.close(.goingAway)
        case ChannelEvent.inputClosed:
            context.close(mode: .all, promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Closes with 1013 (try again later) as a full closing handshake: the peer answers, then the TCP connection
    /// ends (closing at once could reach a client before it has finished its side of the upgrade).
    private func refuse(context: ChannelHandlerContext) {
        refused = true
        let refusal = CloseCode.tryAgainLater
        // Through the frame encoder: with no registered connection, the socket has no `FrameWriter`.
        let payload = WebSocketWire.closePayload(code: refusal.code, reason: refusal.reason)
        context.writeAndFlush(NIOAny(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)), promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .nanoseconds(service.configuration.writeTimeout.nanoseconds)) {
            channel.close(mode: .all, promise: nil)
        }
    }

    private func submit(_ request: RequestQueue.Request, from connection: ConnectionManager.Connection) {
        if connection.requests.append(request) { service.answerRequests(of: connection) }
    }

    /// Pings the peer; one that has not answered the previous ping is gone and is closed.
    private func beat() {
        guard let connection else { return }
        if awaitingPong {
            connection.sendClose(.pingTimeout, waitForAnswer: false)
            connection.outbox.close(.pingTimeout)
            return
        }
        awaitingPong = true
        connection.writeControl(WebSocketWire.pingFrame())
    }

    /// Forgets the connection everywhere: the registry, the heartbeat timer, the outbox (which stops taking frames).
    private func release() {
        heartbeat?.cancel()
        heartbeat = nil
        guard let connection else { return }
        self.connection = nil
        connection.outbox.close(.goingAway)
        service.manager.unregister(connection)
    }
}
