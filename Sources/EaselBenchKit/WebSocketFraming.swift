import NIOCore

/// The client side of RFC 6455 framing, as far as a subscriber needs it: the upgrade request, reading the
/// server's unmasked frames, and writing masked frames. Writing it here rather than using a WebSocket library
/// keeps the per-message cost on the load generator small and lets a subscriber stop reading at will.
public enum WebSocketFraming {
    public enum Opcode: UInt8, Sendable {
        case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10
    }

    /// One complete frame; `payload` is a slice of the read buffer.
    public struct Frame {
        public var opcode: UInt8
        public var payload: ByteBuffer
    }

    /// The upgrade request for `path` on `host:port`.
    public static func upgradeRequest(host: String, port: Int, path: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    }

    /// Consumes the HTTP response head if it is complete: true for `101`, false for any other status,
    /// nil while more bytes are needed.
    public static func readUpgradeResponse(_ buffer: inout ByteBuffer) -> Bool? {
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let headLength = view.distance(from: view.startIndex, to: end.upperBound)
        let head = buffer.readString(length: headLength) ?? ""
        return head.hasPrefix("HTTP/1.1 101")
    }

    /// Consumes one frame if the buffer holds all of it.
    public static func readFrame(_ buffer: inout ByteBuffer) -> Frame? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
              let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        var headerLength = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            length = Int(extended)
            headerLength = 4
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            length = Int(clamping: extended)
            headerLength = 10
        }
        let masked = second & 0x80 != 0
        let maskOffset = headerLength
        if masked { headerLength += 4 }
        guard buffer.readableBytes >= headerLength + length else { return nil }
        var payload = buffer.getSlice(at: start + headerLength, length: length) ?? ByteBuffer()
        if masked, let key = buffer.getBytes(at: start + maskOffset, length: 4) {
            payload = ByteBuffer(bytes: payload.readableBytesView.enumerated().map { $0.element ^ key[$0.offset % 4] })
        }
        buffer.moveReaderIndex(forwardBy: headerLength + length)
        return Frame(opcode: first & 0x0F, payload: payload)
    }

    /// A complete, final, masked client frame.
    public static func clientFrame(_ opcode: Opcode, payload: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = payload.readableBytes
        var frame = allocator.buffer(capacity: length + 14)
        frame.writeInteger(0x80 | opcode.rawValue)
        if length < 126 {
            frame.writeInteger(0x80 | UInt8(length))
        } else if length <= 0xFFFF {
            frame.writeInteger(UInt8(0x80 | 126))
            frame.writeInteger(UInt16(length))
        } else {
            frame.writeInteger(UInt8(0x80 | 127))
            frame.writeInteger(UInt64(length))
        }
        let key: [UInt8] = [0x5A, 0xC3, 0x1E, 0x77]
        frame.writeBytes(key)
        var index = 0
        for byte in payload.readableBytesView {
            frame.writeInteger(byte ^ key[index & 3])
            index += 1
        }
        return frame
    }
}
