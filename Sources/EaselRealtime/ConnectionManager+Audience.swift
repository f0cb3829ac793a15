import EaselCore
import NIOCore

extension ConnectionManager {
    /// Who receives a frame that is about no single job.
    public enum Audience: Sendable, Equatable {
        /// Every open socket (the queue was paused or resumed, a backend drained or resumed).
        case everyone
        /// The metrics subscribers due at this sampler tick (each gets every n-th tick, n from its interval).
        case metricsSubscribers(tick: Int)
    }

    /// Hands one encoded frame to every connection of `audience`: the registry is read once, then each event loop
    /// gets its own copy of the frame and its list of recipients, as a job event's broadcast does. The frames join
    /// the lifecycle lane (never dropped, counted in the byte budget). Returns the number of recipients.
    @discardableResult
    public func broadcast(_ frame: ByteBuffer, to audience: Audience) -> Int {
        let deliveries = registry.withLock { $0.recipients(of: audience) }
        let delay = writeDelay
        var recipients = 0
        for (loop, connections) in deliveries {
            recipients += connections.count
            loop.execute {
                let frame = ByteBuffer(bytes: frame.readableBytesView)
                let now = loop.now
                let waiting = connections.filter { $0.handler.value.deliver(frame, preview: nil, event: nil, now: now).needsDrain }
                Self.drain(waiting, on: loop, after: delay)
            }
        }
        metrics.messagesDelivered.increment(by: recipients)
        return recipients
    }

    /// Starts (`everyTicks` ≥ 1: one update per that many sampler ticks) or stops (nil) a connection's metrics.
    public func setMetricsSubscription(_ connection: Connection, everyTicks: Int?) {
        registry.withLock { registry in
            guard registry.connections[connection.id] != nil else { return }
            registry.metricsEvery[connection.id] = everyTicks.map { max(1, $0) }
        }
    }

    /// Connections that receive `metrics_update`s.
    public var metricsSubscriberCount: Int { registry.withLock { $0.metricsEvery.count } }
}

extension ConnectionManager.Registry {
    /// Per event loop, the connections of `audience`.
    func recipients(of audience: ConnectionManager.Audience) -> [(loop: any EventLoop, connections: [ConnectionManager.Connection])] {
        var lists = [[ConnectionManager.Connection]](repeating: [], count: shards.count)
        switch audience {
        case .everyone:
            for connection in connections.values { lists[connection.shard].append(connection) }
        case .metricsSubscribers(let tick):
            for (id, every) in metricsEvery where tick % every == 0 {
                if let connection = connections[id] { lists[connection.shard].append(connection) }
            }
        }
        return zip(shards, lists).compactMap { shard, list -> (loop: any EventLoop, connections: [ConnectionManager.Connection])? in
            list.isEmpty ? nil : (shard.loop, list)
        }
    }
}
