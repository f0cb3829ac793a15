import Synchronization

/// Counts connection lifecycle events across all subscribers: how many got as far as a confirmed subscription,
/// and how connections ended (close frame 4008 from the server, or the server dropping the TCP connection).
public final class ConnectionCounters: Sendable {
    private let confirmedCount = Atomic<Int>(0)
    private let slowConsumerCloseCount = Atomic<Int>(0)
    private let serverCloseCount = Atomic<Int>(0)
    private let stalledClosedCount = Atomic<Int>(0)

    public init() {}

    func confirmed() { confirmedCount.add(1, ordering: .relaxed) }
    func closeFrame(code: UInt16) { if code == 4008 { slowConsumerCloseCount.add(1, ordering: .relaxed) } }
    func closedByServer(stalled: Bool) {
        serverCloseCount.add(1, ordering: .relaxed)
        if stalled { stalledClosedCount.add(1, ordering: .relaxed) }
    }

    /// Subscriptions the server confirmed.
    public var confirmations: Int { confirmedCount.load(ordering: .relaxed) }
    /// Close frames with code 4008 (slow consumer) that reached a client.
    public var slowConsumerCloses: Int { slowConsumerCloseCount.load(ordering: .relaxed) }
    /// Connections the server ended (close frame or TCP close), not the client.
    public var serverCloses: Int { serverCloseCount.load(ordering: .relaxed) }
    /// Of those, connections of subscribers that had stopped reading.
    public var stalledClosedByServer: Int { stalledClosedCount.load(ordering: .relaxed) }
}
