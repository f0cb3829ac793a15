import NIOCore

/// Server-to-client WebSocket frames, encoded once and written as they are. NIOWebSocket's `WebSocketFrameEncoder`
/// does this per write, as a channel handler, with no function to call on its own; encoding here lets one buffer
/// serve a thousand sockets. Server frames are never masked (RFC 6455 §5.1).
enum WebSocketWire {
    static func textFrame(_ text: String) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeString(text)
        return frame(opcode: 0x1, payload: payload)
    }

    /// A close frame with its status code and a reason.
    static func closeFrame(code: UInt16, reason: String) -> ByteBuffer {
        frame(opcode: 0x8, payload: closePayload(code: code, reason: reason))
    }

    /// A close frame's payload: the status code, then the reason cut to the 123 bytes a control frame leaves for it.
    static func closePayload(code: UInt16, reason: String) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(code)
        payload.writeBytes(reason.utf8.prefix(123))
        return payload
    }

    /// A close frame whose payload is given as is (an echoed status code, or nothing).
    static func closeFrame(echoing payload: ByteBuffer) -> ByteBuffer { frame(opcode: 0x8, payload: payload) }

    static func pingFrame() -> ByteBuffer { frame(opcode: 0x9, payload: ByteBuffer()) }

    /// A pong carries the ping's application data back (at most 125 bytes, as every control frame).
    static func pongFrame(echoing data: ByteBuffer) -> ByteBuffer { frame(opcode: 0xA, payload: data) }

    private static func frame(opcode: UInt8, payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 10)
        frame.writeInteger(0x80 | opcode)
        if length < 126 {
            frame.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        } else {
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeImmutableBuffer(payload)
        return frame
    }
}
