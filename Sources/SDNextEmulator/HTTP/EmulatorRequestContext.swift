import Hummingbird
import NIOCore

/// Request context that keeps the connection, so the rate limiter can key on the client IP and
/// the connection-drop fault can close the socket.
struct EmulatorRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Generation bodies carry base64 images; 64 MiB leaves room for several 1024² PNGs.
    var maxUploadSize: Int { 64 << 20 }

    var remoteAddress: SocketAddress? { channel.remoteAddress }

    /// The client IP as Starlette reports `request.client.host`.
    var clientIP: String { channel.remoteAddress?.ipAddress ?? "0:0.0.0" }
}
