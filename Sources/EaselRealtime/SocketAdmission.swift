import Foundation

/// The request that asks to become a progress socket, as an admission check sees it: before the upgrade, so a
/// refusal is a plain HTTP response and no WebSocket frame is ever sent.
public struct SocketUpgradeRequest: Sendable, Equatable {
    /// The path without its query, e.g. `/api/v1/ws/progress`.
    public var path: String
    /// The raw query after `?`, if any.
    public var query: String?
    /// Header fields in the order received; names as sent.
    public var headers: [Header]

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(path: String, query: String?, headers: [Header]) {
        self.path = path
        self.query = query
        self.headers = headers
    }

    /// Splits a request target (`/path?query`) into path and query.
    public init(target: String, headers: [Header]) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(path: String(parts.first ?? ""), query: parts.count > 1 ? String(parts[1]) : nil, headers: headers)
    }

    /// The first value of a header, matched without regard to case (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The first value of a query parameter (not percent-decoded).
    public func queryItem(_ name: String) -> String? {
        for pair in (query ?? "").split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if field.first.map(String.init) == name { return field.count > 1 ? String(field[1]) : "" }
        }
        return nil
    }
}

/// Decides whether a request may become a progress socket: the place for authentication and an Origin check.
///
/// Why a hook before the upgrade: once the socket is upgraded, all a server can say is a close frame, which browsers
/// do not expose and clients cannot tell from a network error. Refused here, the client gets an HTTP status and a
/// JSON body instead. It runs on the connection's event loop for every upgrade, so it must be quick and must not
/// block. The default accepts every request (the protocol has no authentication, as in the origin).
public struct SocketAdmission: Sendable {
    public enum Decision: Sendable, Equatable {
        case accept
        case refuse(Refusal)
    }

    /// How a refused upgrade is answered: `status` with the JSON body
    /// `{"type":"about:blank","title":<title>,"status":<status>,"error_code":<errorCode>}`.
    public struct Refusal: Sendable, Equatable {
        public var status: Int
        public var title: String
        public var errorCode: String

        public init(status: Int, title: String, errorCode: String) {
            self.status = status
            self.title = title
            self.errorCode = errorCode
        }

        /// 401 for a request that did not say who it is.
        public static func unauthorized(_ title: String = "Authentication required") -> Refusal {
            Refusal(status: 401, title: title, errorCode: "unauthorized")
        }

        /// 403 for a request that may not connect (a foreign Origin, a token without the right).
        public static func forbidden(_ title: String = "Not allowed to connect") -> Refusal {
            Refusal(status: 403, title: title, errorCode: "forbidden")
        }
    }

    private let decide: @Sendable (SocketUpgradeRequest) -> Decision

    public init(_ decide: @escaping @Sendable (SocketUpgradeRequest) -> Decision) {
        self.decide = decide
    }

    public func decision(for request: SocketUpgradeRequest) -> Decision {
        decide(request)
    }

    /// Accepts every upgrade.
    public static let acceptAll = SocketAdmission { _ in .accept }
}

extension SocketAdmission.Refusal {
    /// The JSON body of the refusal, keys sorted, the same wherever it is rendered.
    public var jsonBody: String {
        struct Body: Encodable {
            let type = "about:blank"
            let title: String
            let status: Int
            let errorCode: String

            enum CodingKeys: String, CodingKey {
                case type, title, status
                case errorCode = "error_code"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(title: title, status: status, errorCode: errorCode))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
