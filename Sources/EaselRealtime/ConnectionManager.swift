import EaselCore
import EaselProtocol
import Foundation
import NIOCore
import Synchronization

/// The registry of open sockets and what each subscribed to, as in the seed's design: routing only (who follows
/// which job, who wants previews). It owns no socket and no delivery state: each connection's frames, duplicate
/// tracking and close handshake live in its `ConnectionStateMachine` on its event loop, so routing an event costs a
/// dictionary lookup and one hop per event loop, never a wait.
public final class ConnectionManager: Sendable {
    struct Registry {
        var counter = 0
        var connections: [String: Connection] = [:]
        /// The registered connections' event loops, each with its all-jobs subscribers (see `Shard`).
        var shards: [Shard] = []
        var subscribers: [JobID: Set<String>] = [:]
        var subscriptions: [String: Set<JobID>] = [:]
        /// Connections that asked for live previews.
        var previewing: Set<String> = []
        /// Metrics subscribers: connection id → every how many sampler ticks it gets a `metrics_update`.
        var metricsEvery: [String: Int] = [:]
        /// Batches followed in this process (`ConnectionManager+Batches.swift`).
        var batches = BatchRoutes()
    }

    let registry = Mutex(Registry())
    let configuration: RealtimeConfiguration
    let metrics: EaselMetrics

    public init(configuration: RealtimeConfiguration = RealtimeConfiguration(), metrics: EaselMetrics = .none) {
        self.configuration = configuration
        self.metrics = metrics
    }

    /// Registers a new socket's handler, or returns nil when the server already holds `maxConnections`.
    /// Runs on the socket's event loop.
    func register(_ handler: ProgressSocketHandler, on eventLoop: any EventLoop) -> Connection? {
        registry.withLock { registry in
            guard registry.connections.count < configuration.maxConnections else { return nil }
            registry.counter += 1
            let id = "conn_\(registry.counter)_\(Int(Date().timeIntervalSince1970))"
            let shard = registry.shardIndex(for: eventLoop)
            let connection = Connection(id: id, shard: shard, requests: RequestQueue(), handler: handler, eventLoop: eventLoop)
            registry.connections[id] = connection
            metrics.socketConnections.increment()
            return connection
        }
    }

    /// Removes every trace of a connection.
    func unregister(id: String) {
        registry.withLock { registry in
            guard let connection = registry.connections.removeValue(forKey: id) else { return }
            metrics.socketConnections.decrement()
            registry.setFollowsAllJobs(connection, false)
            registry.previewing.remove(id)
            registry.metricsEvery[id] = nil
            registry.batches.remove(connection: id)
            for jobID in registry.subscriptions.removeValue(forKey: id) ?? [] {
                removeSubscriber(id, from: jobID, in: &registry)
            }
        }
    }

    /// The registered connection with this id, if it is still open.
    func connection(id: String) -> Connection? {
        registry.withLock { $0.connections[id] }
    }

    /// Whether the connection is still registered (its channel has not closed).
    func isRegistered(_ connection: Connection) -> Bool {
        registry.withLock { $0.connections[connection.id] != nil }
    }

    /// Adds subscriptions; they are additive, as in the origin. Returns false, adding nothing, when the
    /// connection would hold more than `maxSubscriptionsPerConnection` per-job subscriptions.
    public func subscribe(
        _ connection: Connection, to selection: JobSelection, includePreviews: Bool = false
    ) -> Bool {
        registry.withLock { registry in
            // A message answered after its socket closed must not bring the connection back.
            guard registry.connections[connection.id] != nil else { return true }
            if includePreviews { registry.previewing.insert(connection.id) }
            switch selection {
            case .allJobs:
                registry.setFollowsAllJobs(connection, true)
            case .jobs(let ids):
                let current = registry.subscriptions[connection.id] ?? []
                guard current.union(ids).count <= configuration.maxSubscriptionsPerConnection else { return false }
                for jobID in ids {
                    registry.subscribers[jobID, default: []].insert(connection.id)
                    registry.subscriptions[connection.id, default: []].insert(jobID)
                }
            }
            return true
        }
    }

    /// Removes subscriptions; `.allJobs` leaves the all-jobs stream only.
    public func unsubscribe(_ connection: Connection, from selection: JobSelection) {
        registry.withLock { registry in
            switch selection {
            case .allJobs:
                registry.setFollowsAllJobs(connection, false)
            case .jobs(let ids):
                for jobID in ids where registry.subscriptions[connection.id]?.remove(jobID) != nil {
                    removeSubscriber(connection.id, from: jobID, in: &registry)
                }
            }
        }
    }

    /// Whether a connection that asked for previews follows `jobID` (directly or through all jobs).
    public func wantsPreviews(of jobID: JobID) -> Bool {
        registry.withLock { registry in
            registry.previewing.contains { registry.followsAllJobs($0) || registry.subscribers[jobID]?.contains($0) == true }
        }
    }

    /// Whether this connection asked for previews.
    public func isPreviewing(_ connection: Connection) -> Bool {
        registry.withLock { $0.previewing.contains(connection.id) }
    }

    /// Open connections.
    public var connectionCount: Int { registry.withLock { $0.connections.count } }

    /// Jobs with at least one per-job subscriber.
    public var subscribedJobCount: Int { registry.withLock { $0.subscribers.count } }

    /// Tells every connection to close (server shutdown).
    public func closeAll(_ code: CloseCode) {
        for connection in registry.withLock({ Array($0.connections.values) }) {
            connection.close(code)
        }
    }

    private func removeSubscriber(_ id: String, from jobID: JobID, in registry: inout Registry) {
        registry.subscribers[jobID]?.remove(id)
        if registry.subscribers[jobID]?.isEmpty == true {
            registry.subscribers[jobID] = nil
        }
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
