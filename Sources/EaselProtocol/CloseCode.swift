/// Close codes the server uses, with the reason text it sends. Codes from 4000 are private-use
/// (RFC 6455 §7.4.2); a client should reconnect after the ones marked retryable.
public struct CloseCode: Sendable, Equatable {
    public let code: UInt16
    public let reason: String
    public let isRetryable: Bool

    /// The server is shutting down; reconnect to another node or later.
    public static let goingAway = CloseCode(code: 1001, reason: "server shutting down", isRetryable: true)
    /// The server holds as many connections as it may; retry later (RFC 6455 registry: 1013).
    public static let tryAgainLater = CloseCode(code: 1013, reason: "too many connections", isRetryable: true)
    /// A message over the server's size limit (RFC 6455: 1009). Do not resend it.
    public static let messageTooLarge = CloseCode(code: 1009, reason: "message too large", isRetryable: false)
    /// Frames that break RFC 6455 (bad fragmentation, for example).
    public static let protocolError = CloseCode(code: 1002, reason: "protocol error", isRetryable: false)
    /// The peer did not answer the server's ping before the next one was due (its TCP connection is dropped too).
    public static let pingTimeout = CloseCode(code: 1001, reason: "Ping timeout", isRetryable: true)
    /// The client does not read fast enough: its queue of undelivered lifecycle messages overflowed.
    public static let slowConsumer = CloseCode(code: 4008, reason: "slow consumer", isRetryable: true)
}
