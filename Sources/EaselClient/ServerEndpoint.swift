import Foundation

/// Where an Easel server lives, from the `--server` text a person typed (`http://127.0.0.1:8000`, or just
/// `host:port`). Every REST and socket address a client uses is derived here, so no caller joins URLs by hand.
public struct ServerEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `scheme://host[:port]` with no trailing slash or path.
    public let baseURL: String
    private let secure: Bool

    /// The server the tools assume when none is given.
    public static let defaultURL = "http://127.0.0.1:8000"

    public init(_ text: String) throws(ClientError) {
        var candidate = text.trimmingCharacters(in: .whitespaces)
        if !candidate.contains("://") { candidate = "http://" + candidate }
        guard let components = URLComponents(string: candidate), let host = components.host, !host.isEmpty,
              let scheme = components.scheme?.lowercased(), ["http", "https", "ws", "wss"].contains(scheme),
              components.path.isEmpty || components.path == "/", components.query == nil
        else {
            throw ClientError(.invalidInput, "--server \(text) is not a server address like \(Self.defaultURL)")
        }
        secure = scheme == "https" || scheme == "wss"
        let port = components.port.map { ":\($0)" } ?? ""
        let hostText = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        baseURL = "\(secure ? "https" : "http")://\(hostText)\(port)"
    }

    /// The absolute address of a server path such as `/api/v1/generation/backends`; absolute URLs pass through.
    public func url(_ path: String) -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        return baseURL + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// The progress socket.
    public var socketURL: String {
        (secure ? "wss" : "ws") + baseURL.drop(while: { $0 != ":" }) + "/api/v1/ws/progress"
    }

    public var description: String { baseURL }
}
