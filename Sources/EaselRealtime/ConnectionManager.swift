import EaselCore
import EaselProtocol
import Foundation
import NIOCore
import Synchronization

/// The registry of open sockets and what each subscribed to, as in the seed's design. It owns no socket: each
/// registered connection has an `Outbox` that its session drains, so routing an event costs a dictionary lookup
/// and one append per recipient, never a wait.
public final class ConnectionManager: Sendable {
    /// One registered socket.
    public final class Connection: Sendable {
        /// `conn_<counter>_<unix seconds>`, the origin's format.
        public let id: String
        public let outbox: Outbox

        init(id: String, outbox: Outbox) {
            self.id = id
            self.outbox = outbox
        }
    }

    private struct Registry {
        var counter = 0
        var connections: [String: Connection] = [:]
        var global: Set<String> = []
        var subscribers: [JobID: Set<String>] = [:]
        var subscriptions: [String: Set<JobID>] = [:]
    }

    private let registry = Mutex(Registry())
    private let maxLifecycleBytes: Int

    /// - Parameter maxLifecycleBytes: each connection's outbox budget (see `Outbox`).
    public init(maxLifecycleBytes: Int = 1 << 20) {
        self.maxLifecycleBytes = maxLifecycleBytes
    }

    public func register() -> Connection {
        registry.withLock { registry in
            registry.counter += 1
            let id = "conn_\(registry.counter)_\(Int(Date().timeIntervalSince1970))"
            let connection = Connection(id: id, outbox: Outbox(maxLifecycleBytes: maxLifecycleBytes))
            registry.connections[id] = connection
            return connection
        }
    }

    /// Removes every trace of a connection.
    public func unregister(_ connection: Connection) {
        registry.withLock { registry in
            registry.connections[connection.id] = nil
            registry.global.remove(connection.id)
            for jobID in registry.subscriptions.removeValue(forKey: connection.id) ?? [] {
                removeSubscriber(connection.id, from: jobID, in: &registry)
            }
        }
    }

    /// Adds subscriptions; they are additive, as in the origin.
    public func subscribe(_ connection: Connection, to selection: JobSelection) {
        registry.withLock { registry in
            switch selection {
            case .allJobs:
                registry.global.insert(connection.id)
            case .jobs(let ids):
                for jobID in ids {
                    registry.subscribers[jobID, default: []].insert(connection.id)
                    registry.subscriptions[connection.id, default: []].insert(jobID)
                    connection.outbox.track(jobID)
                }
            }
        }
    }

    /// Removes subscriptions; `.allJobs` leaves the all-jobs stream only.
    public func unsubscribe(_ connection: Connection, from selection: JobSelection) {
        registry.withLock { registry in
            switch selection {
            case .allJobs:
                registry.global.remove(connection.id)
            case .jobs(let ids):
                for jobID in ids where registry.subscriptions[connection.id]?.remove(jobID) != nil {
                    removeSubscriber(connection.id, from: jobID, in: &registry)
                    connection.outbox.untrack(jobID)
                }
            }
        }
    }

    /// Hands one encoded event to every connection subscribed to its job or to all jobs.
    public func broadcast(_ event: JobEvent, frame: ByteBuffer) {
        let recipients = registry.withLock { registry -> [Connection] in
            let perJob = registry.subscribers[event.jobID] ?? []
            var ids = registry.global
            if !perJob.isEmpty { ids.formUnion(perJob) }
            return ids.compactMap { registry.connections[$0] }
        }
        let isProgress = if case .progress = event.kind { true } else { false }
        for connection in recipients {
            connection.outbox.push(frame, event: (event.jobID, event.seq, isProgress))
        }
    }

    /// Open connections.
    public var connectionCount: Int { registry.withLock { $0.connections.count } }

    /// Jobs with at least one per-job subscriber.
    public var subscribedJobCount: Int { registry.withLock { $0.subscribers.count } }

    /// Tells every connection to close (server shutdown).
    public func closeAll(_ code: CloseCode) {
        for connection in registry.withLock({ Array($0.connections.values) }) {
            connection.outbox.close(code)
        }
    }

    private func removeSubscriber(_ id: String, from jobID: JobID, in registry: inout Registry) {
        registry.subscribers[jobID]?.remove(id)
        if registry.subscribers[jobID]?.isEmpty == true {
            registry.subscribers[jobID] = nil
        }
    }
}
