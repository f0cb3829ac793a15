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
/// the socket's paths. Hummingbird's own WebSocket channel runs each socket as a task with the library's reader
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
                    let path = String(head.uri.prefix { $0 != "?" })
                    return channel.eventLoop.makeSucceededFuture(paths.contains(path) ? HTTPHeaders() : nil)
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
