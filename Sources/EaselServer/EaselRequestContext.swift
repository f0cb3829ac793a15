import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Hummingbird's WebSocket context plus the connection's channel, so a session can drop a peer that stopped
/// reading (a close frame cannot reach it).
struct EaselRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
