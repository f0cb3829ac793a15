import Hummingbird
import NIOCore

/// Who is calling the gateway: the part of SD.Next's API that is global on one box (progress, interrupt, the loaded
/// model) is per caller on Easel. Until keys exist a caller is its client address (without the port, so every
/// connection of one client is the same caller).
public struct Caller: Hashable, Sendable, CustomStringConvertible {
    public let id: String

    public init(id: String) { self.id = id }

    /// The caller behind a request: its client address.
    public init(_ context: some RemoteAddressRequestContext) {
        self.init(id: "address:" + (context.remoteAddress?.ipAddress ?? "unknown"))
    }

    public var description: String { id }
}
