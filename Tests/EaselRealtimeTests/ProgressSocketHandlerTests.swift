import EaselCore
import EaselProtocol
import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import EaselRealtime

/// The one channel handler carrying out its state machine's actions on an `EmbeddedChannel`: what reaches the
/// socket (raw frames next to it), when the channel closes, and that nothing follows a close frame. Time is the
/// embedded loop's, moved by hand.
@Suite struct ProgressSocketHandlerTests {
    private struct Socket {
        let channel: EmbeddedChannel
        let manager: ConnectionManager

        init(configure: (inout RealtimeConfiguration) -> Void = { _ in }) throws {
            var configuration = RealtimeConfiguration()
            configuration.heartbeatInterval = .seconds(25)
            configure(&configuration)
            manager = ConnectionManager(configuration: configuration)
            let service = WebSocketService(bus: JobEventBus(), manager: manager, snapshots: { _ in nil }, logger: Logger(label: "test"))
            channel = EmbeddedChannel()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
            try channel.pipeline.syncOperations.addHandler(RawFrameOutlet())
            try channel.pipeline.syncOperations.addHandler(ProgressSocketHandler(service: service))
            channel.embeddedEventLoop.run()
        }

        /// Every frame written so far, as (opcode, payload).
        func written() throws -> [(opcode: UInt8, payload: [UInt8])] {
            var frames: [(UInt8, [UInt8])] = []
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
                while buffer.readableBytes >= 2, let header = buffer.readBytes(length: 2) {
                    var length = Int(header[1] & 0x7F)
                    if length == 126 { length = Int(buffer.readInteger(as: UInt16.self) ?? 0) }
                    frames.append((header[0] & 0x0F, buffer.readBytes(length: length) ?? []))
                }
            }
            return frames
        }

        var connection: ConnectionManager.Connection? {
            manager.registry.withLock { $0.connections.values.first }
        }
    }

    @Test func aRegisteredSocketIsGreetedWithConnected() throws {
        let socket = try Socket()
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x1])
        #expect(String(decoding: frames[0].payload, as: UTF8.self).contains(#""type":"connected""#))
        #expect(socket.manager.connectionCount == 1)
    }

    @Test func thePeersCloseIsEchoedThenTheChannelClosesAndTheConnectionIsForgotten() throws {
        let socket = try Socket()
        _ = try socket.written()
        try socket.channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xE8])))
        socket.channel.embeddedEventLoop.run()
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x8] && frames[0].payload == [0x03, 0xE8])
        #expect(!socket.channel.isActive)
        #expect(socket.manager.connectionCount == 0)
    }

    @Test func nothingIsWrittenAfterOurCloseFrameAndASilentPeerIsDroppedAtTheTimeout() throws {
        let socket = try Socket()
        _ = try socket.written()
        let connection = try #require(socket.connection)
        connection.close(.goingAway)
        connection.reply(ByteBuffer(string: "late"))
        socket.channel.embeddedEventLoop.run()
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(Array(frames[0].payload.prefix(2)) == [0x03, 0xE9])
        #expect(socket.channel.isActive)
        socket.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!socket.channel.isActive)
    }

    @Test func theHeartbeatPingsThenClosesAPeerThatNeverAnswers() throws {
        let socket = try Socket()
        _ = try socket.written()
        socket.channel.embeddedEventLoop.advanceTime(by: .seconds(25))
        #expect(try socket.written().map(\.opcode) == [0x9])
        socket.channel.embeddedEventLoop.advanceTime(by: .seconds(25))
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(String(decoding: frames[0].payload.dropFirst(2), as: UTF8.self) == "Ping timeout")
        // Dropped once the frame is written, without waiting for an answer.
        #expect(!socket.channel.isActive)
    }

    @Test func aFullServerRefusesWith1013ThroughTheSameWritePath() throws {
        let socket = try Socket { $0.maxConnections = 0 }
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(Array(frames[0].payload.prefix(2)) == [0x03, 0xF5])
        #expect(socket.manager.connectionCount == 0)
        // The peer answers: the TCP connection ends.
        try socket.channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer(bytes: [0x03, 0xF5])))
        #expect(!socket.channel.isActive)
    }

    @Test func aStalledSocketIsClosedAsSlowConsumerAfterTheWriteTimeout() throws {
        let socket = try Socket { $0.writeTimeout = .seconds(1) }
        _ = try socket.written()
        socket.channel.isWritable = false
        socket.channel.pipeline.fireChannelWritabilityChanged()
        let connection = try #require(socket.connection)
        connection.reply(ByteBuffer(string: "waits"))
        socket.channel.embeddedEventLoop.run()
        #expect(try socket.written().isEmpty)
        socket.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        let frames = try socket.written()
        #expect(frames.map(\.opcode) == [0x8])
        #expect(Array(frames[0].payload.prefix(2)) == [0x0F, 0xA8])
        #expect(!socket.channel.isActive)
    }

    @Test func aSocketThatTakesDataAgainGetsWhatWaited() throws {
        let socket = try Socket()
        _ = try socket.written()
        socket.channel.isWritable = false
        socket.channel.pipeline.fireChannelWritabilityChanged()
        let connection = try #require(socket.connection)
        connection.reply(WebSocketWire.textFrame("one"))
        connection.reply(WebSocketWire.textFrame("two"))
        socket.channel.embeddedEventLoop.run()
        #expect(try socket.written().isEmpty)
        socket.channel.isWritable = true
        socket.channel.pipeline.fireChannelWritabilityChanged()
        #expect(try socket.written().map { String(decoding: $0.payload, as: UTF8.self) } == ["one", "two"])
    }
}
