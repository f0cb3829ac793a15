import EaselProtocol
import NIOCore

/// The closing handshake (RFC 6455 §5.5.1, §7) and the control frames around it.
///
/// Every close that sends a frame goes through here, so the rule "nothing is written after a close frame" is kept by
/// one state (`close`) instead of a flag checked at each write (a socket error or a peer that hung up has its TCP
/// connection closed by the handler with no frame at all, and `channelClosed` records it):
/// - ours (`requestClose`: shutdown 1001, slow consumer 4008, a message too large 1009, bad fragmentation 1002,
///   a full server 1013): our close frame, then the peer has `closeTimeout` to answer before TCP is dropped;
/// - theirs (`peerClosed`): a valid code is echoed, an invalid one answered with 1002, then TCP is closed;
/// - a peer silent through a heartbeat (`heartbeatFired`): 1001 "Ping timeout", dropped once the frame is written;
/// - a stalled socket (`stallTimerFired`): 4008, dropped at once;
/// - a malformed frame: NIO's protocol error handler writes its own close frame and closes (`protocolErrorSent`).
extension ConnectionStateMachine {
    /// Starts our side of the handshake with `code`. The first close wins; later requests do nothing.
    mutating func requestClose(_ code: CloseCode, now: NIODeadline) -> Action {
        closeFrame(code, then: .awaitPeer(until: now + configuration.closeTimeout))
    }

    /// Our close frame with `code`, unless one close already started; waiting frames are dropped.
    mutating func closeFrame(_ code: CloseCode, then: AfterClose) -> Action {
        guard close == .open else { return .none }
        close = then == .dropNow ? .closed : .closing
        discardWaitingFrames()
        return .writeClose(WebSocketWire.closeFrame(code: code.code, reason: code.reason), code: code.code, then: then)
    }

    /// The peer sent a close frame (its payload as received). Answers it, or ends the handshake we started.
    mutating func peerClosed(_ payload: ByteBuffer, now: NIODeadline) -> Action {
        switch close {
        case .open:
            close = .closed
            discardWaitingFrames()
            let (answer, code) = Self.answer(to: payload)
            return .writeClose(answer, code: code, then: .dropWhenWritten(orAt: now + configuration.closeTimeout))
        case .closing:
            close = .closed
            return .closeChannel
        case .closed, .gone:
            return .none
        }
    }

    /// The peer did not answer our close frame in time, or the last frame's write never completed.
    mutating func closeTimeoutFired() -> Action {
        switch close {
        case .closing, .closed:
            close = .closed
            return .closeChannel
        case .open, .gone:
            return .none
        }
    }

    /// NIO's protocol error handler has written a close frame (1002 for a malformed frame, 1009 for an oversized
    /// one) and closes the channel: nothing may follow it.
    mutating func protocolErrorSent() {
        guard close == .open else { return }
        close = .closed
        discardWaitingFrames()
    }

    /// The channel has closed; every later input does nothing.
    mutating func channelClosed() {
        close = .gone
        discardWaitingFrames()
    }

    // MARK: Heartbeat and control frames

    /// The heartbeat period elapsed: ping the peer, or close a peer that did not answer the previous ping.
    mutating func heartbeatFired(now: NIODeadline) -> Action {
        guard close == .open else { return .none }
        if awaitingPong { return closeFrame(.pingTimeout, then: .dropWhenWritten(orAt: now + configuration.closeTimeout)) }
        awaitingPong = true
        return .write(WebSocketWire.pingFrame())
    }

    /// The peer pinged: control frames are answered at once, ahead of waiting frames.
    func pingReceived(_ data: ByteBuffer) -> Action {
        guard close == .open else { return .none }
        return .write(WebSocketWire.pongFrame(echoing: data))
    }

    mutating func pongReceived() {
        awaitingPong = false
    }

    private mutating func discardWaitingFrames() {
        lanes.discardAll()
        catchUp.reset()
    }

    /// The frame that answers a peer's close: its code echoed when it may be sent (RFC 6455 §7.4), nothing for an
    /// empty payload, 1002 otherwise.
    static func answer(to payload: ByteBuffer) -> (frame: ByteBuffer, code: UInt16) {
        switch (payload.readableBytes, payload.getInteger(at: payload.readerIndex, as: UInt16.self)) {
        case (0, _):
            return (WebSocketWire.closeFrame(echoing: ByteBuffer()), 1005)
        case (_, let code?) where mayBeSent(code):
            var echo = ByteBuffer()
            echo.writeInteger(code)
            return (WebSocketWire.closeFrame(echoing: echo), code)
        default:
            return (WebSocketWire.closeFrame(code: CloseCode.protocolError.code, reason: "invalid close code"), CloseCode.protocolError.code)
        }
    }

    /// Close codes a peer may put in a close frame: 1005, 1006 and 1015 are only reported locally.
    private static func mayBeSent(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
