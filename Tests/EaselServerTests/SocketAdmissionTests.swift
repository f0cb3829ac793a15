#if canImport(Glibc)
import Glibc
#endif
import DynamicJSON
import EaselRealtime
import EaselTesting
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Testing

/// The admission check before the upgrade: a refused request gets an HTTP status and a JSON body and never a
/// WebSocket frame; an allowed one upgrades as usual.
@Suite(.timeLimit(.minutes(2))) struct SocketAdmissionTests {
    /// Refuses every upgrade without `X-Test-Allow`, and with `X-Test-Allow: no` forbids it.
    private static let admission = SocketAdmission { request in
        switch request.header("x-test-allow") {
        case nil: .refuse(.unauthorized("Say X-Test-Allow"))
        case "no": .refuse(.forbidden())
        default: .accept
        }
    }

    private func withGatedHub(_ body: (TestHub) async throws -> Void) async throws {
        try await withHub(backends: [], configure: { $0.realtime.admission = Self.admission }) { hub in try await body(hub) }
    }

    @Test(arguments: [
        ("", 401, "unauthorized", "Say X-Test-Allow"),
        ("X-Test-Allow: no\r\n", 403, "forbidden", "Not allowed to connect"),
    ])
    func aRefusedUpgradeGetsItsStatusAndAJSONBodyAndNoFrame(header: String, status: Int, code: String, title: String) async throws {
        try await withGatedHub { hub in
            for path in ["/api/v1/ws/progress", "/v1/ws/progress"] {
                let response = try await RawWebSocket.offPool {
                    try rawExchange(port: hub.port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade, close\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + header + "\r\n")
                }
                // The whole exchange is one HTTP response: no 101, and no frame after the body.
                let (head, body) = try split(response)
                #expect(head.hasPrefix("HTTP/1.1 \(status) "), "\(head)")
                #expect(head.lowercased().contains("content-type: application/json"))
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
                #expect(json == .object([
                    "type": .string("about:blank"), "title": .string(title), "status": .number(Double(status)),
                    "error_code": .string(code),
                ]))
            }
            #expect(try await hub.request(.GET, "/api/v1/ws/stats").body["connections"]?.int == 0)
        }
    }

    @Test func anAllowedUpgradeStillOpensTheSocket() async throws {
        try await withGatedHub { hub in
            var headers = HTTPFields()
            headers[HTTPField.Name("X-Test-Allow")!] = "yes"
            try await WebSocketClient.connect(
                url: hub.socketURL, configuration: .init(additionalHeaders: headers), logger: Logger(label: "allowed")
            ) { inbound, outbound, _ in
                let socket = TestSocket(inbound: inbound, outbound: outbound)
                #expect(try await socket.next()["type"]?.string == "connected")
                try await socket.send(#"{"type":"ping","data":1}"#)
                #expect(try await socket.next("pong")["data"]?["echo"]?.int == 1)
            }
        }
    }

    @Test func aPlainRequestIsAskedTheSameQuestionFirst() async throws {
        try await withGatedHub { hub in
            // No upgrade asked for and no header: the refusal, not the 426.
            let (status, body) = try await hub.request(.GET, "/api/v1/ws/progress")
            #expect(status == 401 && body["error_code"]?.string == "unauthorized")
        }
    }

    @Test func theRequestSeenByTheCheckHasPathQueryAndHeaders() {
        let request = SocketUpgradeRequest(
            target: "/v1/ws/progress?token=abc&x", headers: [.init(name: "Origin", value: "http://example.test")])
        #expect(request.path == "/v1/ws/progress")
        #expect(request.queryItem("token") == "abc" && request.queryItem("x") == "" && request.queryItem("y") == nil)
        #expect(request.header("origin") == "http://example.test")
    }

    /// Splits an HTTP response into its head and body (the body as `Content-Length` gives it, and nothing may follow).
    private func split(_ response: String) throws -> (head: String, body: String) {
        guard let end = response.range(of: "\r\n\r\n") else { throw TestFailure("no response head in \(response)") }
        let head = String(response[..<end.lowerBound])
        let body = String(response[end.upperBound...])
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        #expect(length == body.utf8.count, "bytes after the body: \(body)")
        return (head, body)
    }
}

/// Sends `request` on a new TCP connection and returns everything the server sends until it closes.
private func rawExchange(port: Int, _ request: String) throws -> String {
    let fd = try connectedLoopbackSocket(port: port)
    defer { close(fd) }
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
        throw TestFailure("send() failed")
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 10_000) > 0 else { throw TestFailure("the server did not close the connection") }
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        received += buffer.prefix(count)
    }
    return String(decoding: received, as: UTF8.self)
}
