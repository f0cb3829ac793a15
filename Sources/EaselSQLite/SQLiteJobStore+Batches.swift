import EaselCore
import Foundation
import GRDB

extension SQLiteJobStore {
    /// The batch and queue order queries, each on the index of `JobRecord.registerBatches` it is written for.
    enum BatchQueries {
        static let counts = """
            SELECT status, COUNT(*) AS n FROM job INDEXED BY job_batch WHERE batch_id = ? GROUP BY status
            """
        static let page = "SELECT id FROM job INDEXED BY job_batch_order WHERE batch_id = ? ORDER BY rowid LIMIT ? OFFSET ?"
        static let active = """
            SELECT id FROM job INDEXED BY job_batch WHERE batch_id = ? AND status IN ('queued', 'processing')
            """
        /// The queue's first job in claim order: its place is where `top` goes.
        static let first = """
            SELECT id, priority, queue_order FROM job INDEXED BY job_claim WHERE status = 'queued'
            ORDER BY priority DESC, queue_order ASC, rowid ASC LIMIT 1
            """
        static let last = """
            SELECT id, priority, queue_order FROM job INDEXED BY job_claim WHERE status = 'queued'
            ORDER BY priority ASC, queue_order DESC, rowid DESC LIMIT 1
            """
        /// The queued job just before a place: same priority, a lower key.
        static let previous = """
            SELECT queue_order FROM job INDEXED BY job_claim WHERE status = 'queued' AND priority = ? AND queue_order < ?
            ORDER BY queue_order DESC LIMIT 1
            """
        static let all = ["batchCounts": counts, "batchPage": page, "batchActive": active, "queueFirst": first,
                          "queueLast": last, "queuePrevious": previous]
    }

    public func insertBatch(_ jobs: [Job]) async throws {
        let records = try jobs.map(JobRecord.init)
        try await database.write { db in
            for record in records { try record.insert(db) }
        }
    }

    public func batchCounts(_ id: BatchID) async throws -> BatchCounts {
        try await database.read { db in
            var counts: [JobStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: BatchQueries.counts, arguments: [id.rawValue]) {
                let status: String = row["status"]
                counts[JobStatus(rawValue: status) ?? JobStatus(normalizing: status), default: 0] += row["n"] as Int
            }
            return BatchCounts(counts)
        }
    }

    public func batchJobIDs(_ id: BatchID, limit: Int, offset: Int) async throws -> [JobID] {
        try await database.read { db in
            try String.fetchAll(db, sql: BatchQueries.page, arguments: [id.rawValue, limit, offset]).map(JobID.init(rawValue:))
        }
    }

    public func activeBatchJobIDs(_ id: BatchID) async throws -> [JobID] {
        try await database.read { db in
            try String.fetchAll(db, sql: BatchQueries.active, arguments: [id.rawValue]).map(JobID.init(rawValue:))
        }
    }

    public func setPriority(_ id: JobID, to priority: Int) async throws -> QueueEdit {
        try await editQueued(id) { _, _ in (priority, nil) }
    }

    public func move(_ id: JobID, to place: QueuePlace) async throws -> QueueEdit {
        try await editQueued(id) { record, db in
            switch place {
            case .top:
                let first = try Row.fetchOne(db, sql: BatchQueries.first)
                guard let first, first["id"] as String != record.id else { return (record.priority, record.queueOrder) }
                return (first["priority"], (first["queue_order"] as Double) - 1)
            case .bottom:
                let last = try Row.fetchOne(db, sql: BatchQueries.last)
                guard let last, last["id"] as String != record.id else { return (record.priority, record.queueOrder) }
                return (last["priority"], (last["queue_order"] as Double) + 1)
            case .before(let target):
                guard let next = try JobRecord.fetchOne(db, key: target.rawValue) else { throw EditRefusal.unknown(target) }
                guard next.status == JobStatus.queued.rawValue else {
                    throw EditRefusal.notQueued(target, JobStatus(rawValue: next.status) ?? JobStatus(normalizing: next.status))
                }
                guard next.id != record.id else { return (record.priority, record.queueOrder) }
                let previous = try Double.fetchOne(db, sql: BatchQueries.previous, arguments: [next.priority, next.queueOrder])
                // Between the two; once the gap is below a Double's precision, just under the target.
                let between = previous.map { ($0 + next.queueOrder) / 2 } ?? next.queueOrder - 1
                return (next.priority, between < next.queueOrder ? between : next.queueOrder.nextDown)
            }
        }
    }

    /// Why a move's target refused it, thrown out of the write transaction.
    private enum EditRefusal: Error {
        case unknown(JobID)
        case notQueued(JobID, JobStatus)
    }

    /// Reads the job, and when it is queued writes the priority and key `change` gives (nil keeps the key), in one
    /// write transaction: a claim cannot come between the check and the write.
    private func editQueued(
        _ id: JobID, _ change: @escaping @Sendable (JobRecord, Database) throws -> (priority: Int, order: Double?)
    ) async throws -> QueueEdit {
        do {
            return try await database.write { db -> QueueEdit in
                guard var record = try JobRecord.fetchOne(db, key: id.rawValue) else { return .unknownJob(id) }
                guard record.status == JobStatus.queued.rawValue else {
                    return .notQueued(id, JobStatus(rawValue: record.status) ?? JobStatus(normalizing: record.status))
                }
                let (priority, order) = try change(record, db)
                record.priority = priority
                record.queueOrder = order ?? record.queueOrder
                try record.update(db)
                return .changed(try record.job())
            }
        } catch EditRefusal.unknown(let target) {
            return .unknownJob(target)
        } catch EditRefusal.notQueued(let target, let status) {
            return .notQueued(target, status)
        }
    }
}
