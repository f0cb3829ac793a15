#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with the URL of a loopback port that refuses every connection: a TCP socket bound to a free port
/// but never listening, held until `body` returns so no other process can take the port meanwhile. A server given
/// only this backend accepts submits and serves its API but claims nothing, which is how the queue scenario
/// measures submits and the active list without dispatch competing for the database.
func withRefusingBackend<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ServerProcessError(description: "socket() failed: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
        }
    }
    guard bound else { throw ServerProcessError(description: "could not bind a loopback port: errno \(errno)") }
    return try await body("http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))")
}
