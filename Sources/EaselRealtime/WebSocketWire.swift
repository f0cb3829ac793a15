import NIOCore

/// Server-to-client WebSocket text frames, encoded once and written by every connection as they are.
/// NIOWebSocket's `WebSocketFrameEncoder` does this per write, as a channel handler, with no function to call on
/// its own; encoding here lets one buffer serve a thousand sockets. Server frames are never masked (RFC 6455 §5.1).
enum WebSocketWire {
    static func textFrame(_ text: String) -> ByteBuffer {
        let length = text.utf8.count
        var frame = ByteBuffer()
        frame.reserveCapacity(length + 10)
        frame.writeInteger(UInt8(0x81))
        if length < 126 {
            frame.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            frame.writeInteger(UInt8(126))
            frame.writeInteger(UInt16(length))
        } else {
            frame.writeInteger(UInt8(127))
            frame.writeInteger(UInt64(length))
        }
        frame.writeString(text)
        return frame
    }
}
