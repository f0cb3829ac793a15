/// What one benchmark subscriber does once connected.
public struct SubscriberBehavior: Sendable {
    /// The `subscribe` message it sends after `connected`.
    public var subscribeMessage: String
    /// Whether its deliveries count in the latency and throughput figures.
    public var measured: Bool
    /// Stops reading after its subscription is confirmed (a slow consumer).
    public var stalls: Bool
    /// Padded pings a stalling subscriber keeps sending after it stops reading (within the server's message
    /// rate limit). The server answers each with a pong of the same size, so its send buffer for this client
    /// (up to 4 MiB on loopback) fills in seconds instead of minutes and its write watchdog can act within a
    /// short run. 0 models a consumer that only stops reading.
    public var stallPings: Int
    /// Padding per ping; under the server's 64 KiB message limit.
    public static let stallPingBytes = 60_000

    public init(subscribeMessage: String, measured: Bool = true, stalls: Bool = false, stallPings: Int = 0) {
        self.subscribeMessage = subscribeMessage
        self.measured = measured
        self.stalls = stalls
        self.stallPings = stallPings
    }

    /// Subscribes to every job.
    public static let allJobs = #"{"type":"subscribe","job_ids":null}"#

    /// Subscribes to one job.
    public static func job(_ id: String) -> String { #"{"type":"subscribe","job_ids":["\#(id)"]}"# }
}
