/// Limits and timers of the progress socket, each with a safe default and a defined outcome when exceeded.
public struct RealtimeConfiguration: Sendable {
    /// Largest message a client may send; a bigger one closes the socket with 1009. Default 64 KiB.
    public var maxInboundMessageSize = 64 * 1024
    /// Undelivered lifecycle messages a connection may hold before it is closed as a slow consumer (4008).
    /// Default 1 MiB.
    public var maxOutboxBytes = 1 << 20
    /// A write that has not completed after this long closes the connection as a slow consumer (4008). Default 5 s.
    public var writeTimeout: Duration = .seconds(5)
    /// Server ping period; a peer that has not answered the previous ping by the next one is closed. Default 25 s.
    public var heartbeatInterval: Duration = .seconds(25)
    /// Open sockets per server; one more gets a close frame with 1013 (try again later) and nothing else, and is
    /// dropped once it answers (or after `writeTimeout`). Default 50,000.
    public var maxConnections = 50_000
    /// Per-job subscriptions one connection may hold; more get an `error` (`too_many_subscriptions`). Default 1,000.
    public var maxSubscriptionsPerConnection = 1_000
    /// Messages per second a connection may send on average; excess messages get an `error` (`rate_limited`)
    /// and are not processed. Default 20.
    public var maxMessagesPerSecond = 20
    /// Messages a connection may send in a burst above the average rate. Default 40.
    public var messageBurst = 40
    /// How long a broadcast's frames wait before they are written, so that events published close together
    /// (every running job's progress is polled on the same tick) reach each socket in one write. Zero writes at
    /// once. Replies to a client's own messages never wait. Default 2 ms.
    public var writeDelay: Duration = .milliseconds(2)
    /// Asked before every upgrade to the progress socket; a refusal is answered with its HTTP status and a JSON
    /// body, and no socket is opened. Default: accept every request.
    public var admission = SocketAdmission.acceptAll
    /// Previews a connection gets per second, on average; the rest of its updates go without `preview_image`.
    /// A subscribe may ask for fewer (`preview_rate`). Default 2.
    public var maxPreviewsPerSecond: Double = 2
    /// Largest `progress_update` with its preview a connection is sent, in bytes; a bigger update goes without its
    /// preview. A subscribe may ask for less (`preview_max_bytes`). Default 512 KiB.
    public var maxPreviewBytes = 512 * 1024
    /// How often the server computes and sends `metrics_update` to metrics subscribers; a subscriber's own
    /// `metrics_interval` is rounded to a whole number of these. Default 1 s.
    public var metricsInterval: Duration = .seconds(1)

    public init() {}
}
