import EaselTesting
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// A webhook receiver for one test: a real HTTP server on an ephemeral port that answers 500 while it is down and
/// 200 (keeping what it got) once it is up.
actor WebhookReceiver {
    struct Request: Sendable {
        var headers: HTTPFields
        var body: Data

        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
    }

    let port: Int
    private(set) var isUp = false
    /// Every request, answered or refused, in arrival order.
    private(set) var attempts: [Request] = []
    /// The requests answered 200.
    private(set) var delivered: [Request] = []

    init(port: Int) { self.port = port }

    nonisolated var url: String { "http://127.0.0.1:\(port)/hook" }

    func setUp(_ up: Bool) { isUp = up }

    fileprivate func receive(_ request: Request) -> HTTPResponse.Status {
        attempts.append(request)
        guard isUp else { return .internalServerError }
        delivered.append(request)
        return .ok
    }
}

/// Starts a receiver (down), runs `body`, stops it.
func withWebhookReceiver<Result: Sendable>(_ body: (WebhookReceiver) async throws -> Result) async throws -> Result {
    let logger = Logger(label: "test-webhook-receiver")
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let receiverBox = ReceiverBox()
    let router = Router()
    router.post("hook") { request, _ -> Response in
        let bytes = try await request.body.collect(upTo: 1 << 20)
        guard let receiver = await receiverBox.receiver else { return Response(status: .serviceUnavailable) }
        let status = await receiver.receive(.init(headers: request.headers, body: Data(buffer: bytes)))
        return Response(status: status)
    }
    let application = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the webhook receiver did not start") }
        let receiver = WebhookReceiver(port: port)
        await receiverBox.set(receiver)
        do {
            let result = try await body(receiver)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// The receiver once its port is known: the route is built before the server listens.
private actor ReceiverBox {
    var receiver: WebhookReceiver?
    func set(_ receiver: WebhookReceiver) { self.receiver = receiver }
}
