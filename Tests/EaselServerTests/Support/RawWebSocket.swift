#if canImport(Glibc)
import Glibc
#endif
import EaselTesting
import Foundation

/// A deliberately badly behaved WebSocket peer over a plain TCP socket: it can stop reading, never answer
/// pings, or vanish without a close frame. (Well-behaved clients in these tests use HummingbirdWSClient.)
final class RawWebSocket: Sendable {
    private let fd: Int32

    /// Connects and completes the upgrade handshake. `receiveBuffer` shrinks the kernel's receive buffer so a
    /// peer that stops reading stalls the server's writes sooner.
    init(port: Int, path: String = "/api/v1/ws/progress", receiveBuffer: Int32? = nil) throws {
        fd = try connectedLoopbackSocket(port: port, receiveBuffer: receiveBuffer)
        try sendAll(Array((
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        var head: [UInt8] = []
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard let byte = try read(max: 1, timeout: 10).first else { throw TestFailure("no handshake answer") }
            head.append(byte)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw TestFailure("upgrade refused: \(String(decoding: head, as: UTF8.self))")
        }
    }

    deinit { close(fd) }

    /// Sends one masked text frame, as a client must.
    func sendText(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        let mask: [UInt8] = [1, 2, 3, 4]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try sendAll(frame)
    }

    /// Reads what has arrived, waiting up to `timeout` seconds; an empty result means the peer closed.
    func read(max: Int = 65_536, timeout: Double) throws -> [UInt8] {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { throw TestFailure("read timed out") }
        var buffer = [UInt8](repeating: 0, count: max)
        let count = recv(fd, &buffer, max, 0)
        return count > 0 ? Array(buffer.prefix(count)) : []
    }

    /// Reads until the server closes the TCP connection; false if it is still open after `timeout` seconds.
    func waitForServerClose(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let bytes = try? read(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { return false }
            if bytes.isEmpty { return true }
        }
        return false
    }

    /// Everything the server sends until it closes the TCP connection, split into unmasked frames
    /// (opcode, payload); throws if the connection is still open after `timeout` seconds.
    func framesUntilServerCloses(timeout: Double) throws -> [(opcode: UInt8, payload: [UInt8])] {
        let deadline = Date().addingTimeInterval(timeout)
        var bytes: [UInt8] = []
        while true {
            let chunk = try read(timeout: max(0.01, deadline.timeIntervalSinceNow))
            if chunk.isEmpty { break }
            bytes += chunk
        }
        var frames: [(opcode: UInt8, payload: [UInt8])] = []
        var offset = 0
        while offset + 2 <= bytes.count {
            var length = Int(bytes[offset + 1] & 0x7F)
            var header = 2
            if length == 126 {
                length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
                header = 4
            }
            guard offset + header + length <= bytes.count else { break }
            frames.append((bytes[offset] & 0x0F, Array(bytes[(offset + header)..<(offset + header + length)])))
            offset += header + length
        }
        return frames
    }

    /// Runs blocking socket work on a thread of its own, so it never stalls the cooperative pool, which the
    /// in-process server under test shares (and which, on Linux, is Dispatch's global queue: no place to block).
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private func sendAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestFailure("send() failed") }
            offset += sent
        }
    }
}

/// A TCP socket connected to 127.0.0.1:`port`; `receiveBuffer` sets the kernel's receive buffer size first.
func connectedLoopbackSocket(port: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    if var size = receiveBuffer {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw TestFailure("connect() failed")
    }
    return fd
}
