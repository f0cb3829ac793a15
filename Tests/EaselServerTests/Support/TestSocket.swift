import DynamicJSON
import EaselProtocol
import EaselTesting
import Foundation
import HummingbirdWSClient
import Logging
import SDNext

/// A progress-socket client for tests: send JSON text, then wait for the messages that must come.
final class TestSocket {
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    /// Every message received so far, in order.
    private(set) var received: [JSONValue] = []

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.messages = inbound.messages(maxSize: 16 << 20).makeAsyncIterator()
        self.outbound = outbound
    }

    func send(_ text: String) async throws {
        try await outbound.write(.text(text))
    }

    func sendBinary(_ bytes: [UInt8]) async throws {
        try await outbound.write(.binary(.init(bytes: bytes)))
    }

    /// The next message; throws if the socket closed.
    func next() async throws -> JSONValue {
        guard let message = try await messages.next() else { throw TestFailure("socket closed") }
        guard case .text(let text) = message else { throw TestFailure("binary message") }
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        received.append(value)
        return value
    }

    /// Subscribes to every job and waits for the confirmation.
    func subscribeToAll() async throws {
        try await send(#"{"type":"subscribe"}"#)
        _ = try await next("subscription_confirmed")
    }

    /// Skips messages until one of `type` arrives (optionally for one job).
    func next(_ type: String, job: String? = nil) async throws -> JSONValue {
        while true {
            let message = try await next()
            if message["type"]?.string == type, job == nil || message["data"]?["job_id"]?.string == job {
                return message
            }
        }
    }

    /// Every job message of each of `jobs`, until all of them completed.
    func lifecycles(of jobs: [String]) async throws -> [String: [JSONValue]] {
        var events: [String: [JSONValue]] = [:]
        var open = Set(jobs)
        while !open.isEmpty {
            let message = try await next()
            guard let job = message["data"]?["job_id"]?.string, jobs.contains(job) else { continue }
            events[job, default: []].append(message)
            if message["type"]?.string == "generation_complete" { open.remove(job) }
        }
        return events
    }

    /// Every job message of `job` up to and including its `generation_complete`.
    func lifecycle(of job: String) async throws -> [JSONValue] {
        var events: [JSONValue] = []
        while true {
            let message = try await next()
            guard message["data"]?["job_id"]?.string == job else { continue }
            events.append(message)
            if message["type"]?.string == "generation_complete" { return events }
        }
    }
}

/// Connects to the hub's progress socket, waits for `connected`, runs `body`, closes. Returns the close frame.
@discardableResult
func withSocket(
    _ hub: TestHub, path: String = "/api/v1/ws/progress", _ body: @escaping @Sendable (TestSocket) async throws -> Void
) async throws -> WebSocketCloseFrame? {
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(hub.port)\(path)", configuration: .init(maxFrameSize: 1 << 20), logger: Logger(label: "test-socket")
    ) { inbound, outbound, _ in
        let socket = TestSocket(inbound: inbound, outbound: outbound)
        let hello = try await socket.next()
        guard hello["type"]?.string == "connected" else { throw TestFailure("first message was \(hello)") }
        try await body(socket)
    }
}
