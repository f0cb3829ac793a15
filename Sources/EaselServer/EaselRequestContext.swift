import Hummingbird
import NIOCore

/// The request context of every Easel route: Hummingbird's basic storage plus the client's address, which the
/// SD.Next gateway uses to tell its callers apart.
struct EaselRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
