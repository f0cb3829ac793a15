import EaselProtocol
import NIOCore
import Testing

@testable import EaselRealtime

/// Every way a connection closes, and the rule that nothing is written after a close frame.
extension ConnectionStateMachineTests {
    /// The close frame's code, reason and what follows it; nil when the action is not a close frame.
    private static func closing(_ action: Machine.Action) -> (code: UInt16, reason: String, then: Machine.AfterClose)? {
        guard case .writeClose(var frame, let code, let then) = action else { return nil }
        frame.moveReaderIndex(forwardBy: 2)
        let payloadCode = frame.readInteger(as: UInt16.self)
        let reason = frame.readString(length: frame.readableBytes) ?? ""
        #expect(payloadCode == nil || payloadCode == code)
        return (code, reason, then)
    }

    @Test(arguments: [CloseCode.goingAway, .slowConsumer, .messageTooLarge, .protocolError, .tryAgainLater])
    func ourCloseSendsTheFrameThenWaitsForThePeer(code: CloseCode) throws {
        var machine = Self.machine()
        Self.push(&machine, "waiting", Self.lifecycle(1))
        let close = try #require(Self.closing(machine.requestClose(code, now: Self.start)))
        #expect(close.code == code.code && close.reason == code.reason)
        #expect(close.then == .awaitPeer(until: Self.start + .seconds(5)))
        // The waiting frame is dropped; a second close, a drain, a reply and a ping do nothing.
        #expect(machine.requestClose(.slowConsumer, now: Self.start) == .none)
        #expect(machine.drainDue(now: Self.start) == .none)
        #expect(machine.reply(Self.frame("late"), now: Self.start) == .none)
        #expect(machine.heartbeatFired(now: Self.start) == .none)
        #expect(machine.pingReceived(ByteBuffer()) == .none)
        // The peer answers: the handshake is over.
        #expect(machine.peerClosed(ByteBuffer(bytes: [0x03, 0xE9]), now: Self.at(10)) == .closeChannel)
        #expect(machine.closeTimeoutFired() == .closeChannel)
    }

    @Test func aPeerThatNeverAnswersOurCloseIsDroppedAtTheTimeout() {
        var machine = Self.machine()
        _ = machine.requestClose(.goingAway, now: Self.start)
        #expect(machine.closeTimeoutFired() == .closeChannel)
    }

    @Test func thePeersCloseWithAValidCodeIsEchoedThenTheConnectionDropped() throws {
        var machine = Self.machine()
        Self.push(&machine, "waiting", Self.lifecycle(1))
        let close = try #require(Self.closing(machine.peerClosed(ByteBuffer(bytes: [0x0F, 0xA0, 0x41]), now: Self.start)))
        #expect(close.code == 4000 && close.reason.isEmpty)
        #expect(close.then == .dropWhenWritten(orAt: Self.start + .seconds(5)))
        #expect(machine.drainDue(now: Self.start) == .none)
        #expect(machine.requestClose(.goingAway, now: Self.start) == .none)
        #expect(machine.peerClosed(ByteBuffer(), now: Self.start) == .none)
    }

    @Test(arguments: [[UInt8](), [0x03, 0xE8]])
    func anEmptyOrNormalPeerCloseIsAnsweredInKind(payload: [UInt8]) {
        var machine = Self.machine()
        guard case .writeClose(let frame, _, _) = machine.peerClosed(ByteBuffer(bytes: payload), now: Self.start) else {
            Issue.record("no answer")
            return
        }
        #expect(Array(frame.readableBytesView) == [0x88, UInt8(payload.count)] + payload)
    }

    @Test(arguments: [[UInt8]([0x03, 0xED]), [0x03, 0xEE], [0x03, 0xF7], [0x00, 0x01], [0x13, 0x88], [0x07]])
    func aPeerCloseWithACodeThatMayNotBeSentGets1002(payload: [UInt8]) throws {
        var machine = Self.machine()
        let close = try #require(Self.closing(machine.peerClosed(ByteBuffer(bytes: payload), now: Self.start)))
        #expect(close.code == 1002 && close.reason == "invalid close code")
    }

    @Test func theHeartbeatPingsThenClosesAPeerThatDidNotAnswer() throws {
        var machine = Self.machine()
        guard case .write(let ping) = machine.heartbeatFired(now: Self.start) else { throw TestFailure("no ping") }
        #expect(Array(ping.readableBytesView) == [0x89, 0x00])
        let close = try #require(Self.closing(machine.heartbeatFired(now: Self.at(25_000))))
        #expect(close.code == 1001 && close.reason == "Ping timeout")
        // Dropped right after the frame is written (and at the close timeout at the latest).
        #expect(close.then == .dropWhenWritten(orAt: Self.at(30_000)))
        #expect(machine.closeTimeoutFired() == .closeChannel)
    }

    @Test func aPongKeepsTheConnectionOpen() {
        var machine = Self.machine()
        _ = machine.heartbeatFired(now: Self.start)
        machine.pongReceived()
        #expect(Self.written(machine.heartbeatFired(now: Self.at(25_000))) != nil)
        #expect(machine.isOpen)
    }

    @Test func aPingIsAnsweredAtOnceEvenWhileBehind() {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "a", nil)
        _ = machine.drainDue(now: Self.start)
        guard case .write(let pong) = machine.pingReceived(ByteBuffer(string: "hi")) else {
            Issue.record("no pong")
            return
        }
        #expect(Array(pong.readableBytesView) == [0x8A, 2] + Array("hi".utf8))
    }

    @Test func afterNIOsProtocolErrorHandlerClosedNothingMoreIsWritten() {
        var machine = Self.machine()
        Self.push(&machine, "waiting", Self.lifecycle(1))
        machine.protocolErrorSent()
        #expect(machine.drainDue(now: Self.start) == .none)
        #expect(machine.requestClose(.protocolError, now: Self.start) == .none)
        #expect(machine.peerClosed(ByteBuffer(), now: Self.start) == .none)
        #expect(machine.closeTimeoutFired() == .closeChannel)
    }

    @Test func aClosedChannelIgnoresEverything() {
        var machine = Self.machine()
        _ = machine.requestClose(.goingAway, now: Self.start)
        machine.channelClosed()
        #expect(machine.closeTimeoutFired() == .none)
        #expect(machine.peerClosed(ByteBuffer(), now: Self.start) == .none)
        #expect(machine.stallTimerFired(now: Self.at(10_000)) == .none)
        #expect(Self.push(&machine, "late", nil).0 == .closed)
    }

    @Test func theTimeoutDoesNothingWhileTheConnectionIsOpen() {
        var machine = Self.machine()
        #expect(machine.closeTimeoutFired() == .none)
    }
}
