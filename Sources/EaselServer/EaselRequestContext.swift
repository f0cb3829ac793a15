import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Hummingbird's WebSocket context plus the connection's channel, so a session can write frames next to the socket
/// and drop a peer that stopped reading. The reference is weak: the context is stored inside the channel's
/// pipeline, and a strong one would keep every closed connection alive (measured: about 5 KiB per connection).
struct EaselRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    weak let channel: (any Channel)?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
