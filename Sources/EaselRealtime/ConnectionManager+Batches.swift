import EaselCore
import NIOCore

/// Which jobs belong to which followed batch, and who follows each batch: a connection subscribed to a batch gets
/// its jobs' events (routed in `deliveries(of:)`) and its `batch_progress` / `batch_complete`, as do the connections
/// subscribed to one of its jobs.
struct BatchRoutes {
    var batchOfJob: [JobID: BatchID] = [:]
    var jobsOfBatch: [BatchID: [JobID]] = [:]
    var subscribers: [BatchID: Set<String>] = [:]

    mutating func remove(connection id: String) {
        for batch in Array(subscribers.keys) {
            subscribers[batch]?.remove(id)
            if subscribers[batch]?.isEmpty == true { subscribers[batch] = nil }
        }
    }
}

extension ConnectionManager {
    /// Routes the batch's jobs' events to its followers; returns false when it was tracked already.
    @discardableResult
    public func track(_ batch: BatchID, jobs: [JobID]) -> Bool {
        registry.withLock { registry in
            guard registry.batches.jobsOfBatch[batch] == nil else { return false }
            registry.batches.jobsOfBatch[batch] = jobs
            for job in jobs { registry.batches.batchOfJob[job] = batch }
            return true
        }
    }

    /// Stops routing an ended batch's jobs (its followers stay subscribed to it).
    public func untrack(_ batch: BatchID) {
        registry.withLock { registry in
            for job in registry.batches.jobsOfBatch.removeValue(forKey: batch) ?? [] { registry.batches.batchOfJob[job] = nil }
        }
    }

    public func batch(of job: JobID) -> BatchID? {
        registry.withLock { $0.batches.batchOfJob[job] }
    }

    public func isTracked(_ batch: BatchID) -> Bool {
        registry.withLock { $0.batches.jobsOfBatch[batch] != nil }
    }

    /// Follows batches (additive, as job subscriptions are).
    public func subscribe(_ connection: Connection, toBatches batches: [BatchID]) {
        registry.withLock { registry in
            guard registry.connections[connection.id] != nil else { return }
            for batch in batches { registry.batches.subscribers[batch, default: []].insert(connection.id) }
        }
    }

    public func unsubscribe(_ connection: Connection, fromBatches batches: [BatchID]) {
        registry.withLock { registry in
            for batch in batches {
                registry.batches.subscribers[batch]?.remove(connection.id)
                if registry.batches.subscribers[batch]?.isEmpty == true { registry.batches.subscribers[batch] = nil }
            }
        }
    }

    /// Sends a batch report's frame to the batch's followers and its jobs' own subscribers.
    func sendBatchFrame(_ frame: ByteBuffer, for batch: BatchID) {
        let recipients = registry.withLock { registry -> [Connection] in
            var ids = registry.batches.subscribers[batch] ?? []
            for job in registry.batches.jobsOfBatch[batch] ?? [] { ids.formUnion(registry.subscribers[job] ?? []) }
            return ids.compactMap { registry.connections[$0] }
        }
        for connection in recipients { connection.reply(frame) }
    }
}
