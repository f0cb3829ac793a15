import EaselRealtime
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ServiceLifecycle

/// Every accepted connection: HTTP/1.1 for the REST API, or the progress socket when it asks to upgrade on one of
/// the socket's paths and the admission check (`RealtimeConfiguration.admission`) lets it; a refused upgrade gets an
/// HTTP status and a JSON body. Hummingbird's own WebSocket channel runs each socket as a task with the library's reader
/// and ping tasks beside it (measured: about 50 KiB per idle connection, most of it task stacks); upgraded here,
/// a socket is a few channel handlers on its event loop and no task (`ProgressSocketHandler`).
struct ProgressSocketChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case progressSocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let webSocket: WebSocketService
    /// Request paths (without query) that upgrade to the progress socket.
    let socketPaths: Set<String>

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let (webSocket, paths) = (self.webSocket, self.socketPaths)
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: webSocket.maxInboundMessageSize,
                shouldUpgrade: { channel, head in
                    let request = SocketUpgradeRequest(
                        target: head.uri, headers: head.headers.map { SocketUpgradeRequest.Header(name: $0.name, value: $0.value) })
                    guard paths.contains(request.path) else { return channel.eventLoop.makeSucceededFuture(nil) }
                    if case .refuse(let refusal) = webSocket.admission(for: request) {
                        return Self.refuse(channel: channel, refusal)
                    }
                    return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        try webSocket.addProgressSocketHandlers(to: channel)
                        return .progressSocket
                    }
                })
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration(upgraders: [upgrader]) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try pipeline.addHandler(HTTPConnectionStateHandler(logger: logger))
                    return .http(try NIOAsyncChannel(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)))
                }
            }
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrade)
            // As Hummingbird's HTTP/1 channel: the async channel reads one request at a time and reports errors.
            configuration.enablePipelining = false
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    /// Answers a refused upgrade with the refusal's status and JSON body, then closes the connection; no WebSocket
    /// frame is ever sent. Written here because NIO's upgrade handler does not pass a request it did not upgrade on
    /// to the HTTP pipeline (it keeps neither the head nor the end). The failed future ends the negotiation.
    private static func refuse(channel: any Channel, _ refusal: SocketAdmission.Refusal) -> EventLoopFuture<HTTPHeaders?> {
        let body = ByteBuffer(string: refusal.jsonBody)
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: refusal.status))
        head.headers = ["content-type": "application/json", "content-length": "\(body.readableBytes)", "connection": "close"]
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil)
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(mode: .all, promise: nil) }
        return channel.eventLoop.makeFailedFuture(UpgradeRefused())
    }

    private struct UpgradeRefused: Error {}

    /// Serves HTTP requests until the connection closes; an upgraded socket needs no task, so this returns at once.
    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let channel):
                await handleHTTP(asyncChannel: channel, logger: logger)
            case .progressSocket:
                // Shutdown reaches sockets as a quiesce event, sent once to the connections open at that moment; one
                // still upgrading then would never hear of it, and the server would wait for it to close.
                if Task.isShuttingDownGracefully {
                    value.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
                }
            }
        } catch {
            logger.debug("connection ended before its first request was read", metadata: ["error": "\(error)"])
        }
    }
}
