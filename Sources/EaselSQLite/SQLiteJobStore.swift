import EaselCore
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode, so readers (the REST API) never wait on the
/// writer (the workers). Each state change is one conditional UPDATE inside a write transaction, and every query
/// is answered from an index (`JobRecord.migrator` says which), so its cost does not grow with the queue.
public struct SQLiteJobStore: JobStore {
    let database: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = try DatabasePool(path: path, configuration: configuration)
        try JobRecord.migrator.migrate(database)
    }

    public func insert(_ job: Job) async throws {
        let record = try JobRecord(job)
        try await database.write { db in try record.insert(db) }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await database.read { db in try JobRecord.fetchOne(db, key: id.rawValue) }?.job()
    }

    public func claim(_ id: JobID, backend: String, at date: Date, webhook: WebhookMessage?) async throws -> Job? {
        try await database.write { db -> JobRecord? in
            guard let record = try JobRecord.fetchOne(db, key: id.rawValue), record.status == JobStatus.queued.rawValue,
                  record.notBefore.map({ $0 <= date }) ?? true
            else { return nil }
            let started = try Self.start(record, on: backend, at: date, db)
            if let webhook { try Self.enqueue(webhook, for: started, at: date, db) }
            return started
        }?.job()
    }

    private static func start(_ queued: JobRecord, on backend: String, at date: Date, _ db: Database) throws -> JobRecord {
        var record = queued
        record.status = JobStatus.processing.rawValue
        record.startedAt = date
        record.attempts += 1
        record.backend = backend
        record.notBefore = nil
        try record.update(db)
        return record
    }

    public func queueHeads(limit: Int, at date: Date) async throws -> [QueueHead] {
        try await database.read { db in
            func head(_ row: Row) throws -> QueueHead {
                QueueHead(
                    id: JobID(rawValue: row["id"]), requirements: try JobRecord.requirements(model: row["model"], loras: row["loras"]),
                    priority: row["priority"], createdAt: row["created_at"], queueOrder: row["queue_order"],
                    failedBackends: try JobRecord.names(row["failed_backends"]))
            }
            var heads: [QueueHead] = []
            var row = try Row.fetchOne(db, sql: Queries.firstHead, arguments: [date])
            while let found = row, heads.count < limit {
                heads.append(try head(found))
                let model: String = found["model"]
                row = try Row.fetchOne(db, sql: Queries.nextLoRAsHead, arguments: [model, found["loras"] as String, date])
                    ?? Row.fetchOne(db, sql: Queries.nextModelHead, arguments: [model, date])
            }
            // Cut short: the job next in claim order is always a candidate, so no requirement waits for others to drain.
            if row != nil, let first = try Row.fetchOne(db, sql: Queries.claim, arguments: [date]),
               !heads.contains(where: { $0.id.rawValue == first["id"] }) {
                heads.append(try head(first))
            }
            return heads
        }
    }

    public func end(
        _ id: JobID, from status: JobStatus, with outcome: JobOutcome, at date: Date, webhook: WebhookMessage?
    ) async throws -> Job? {
        let resultText = try outcome.result.map { String(decoding: try JobRecord.encoder.encode($0), as: UTF8.self) }
        return try await database.write { db -> JobRecord? in
            guard var record = try JobRecord.fetchOne(db, key: id.rawValue), record.status == status.rawValue
            else { return nil }
            record.status = outcome.status.rawValue
            record.result = resultText
            record.error = outcome.failure?.message
            record.errorCode = outcome.failure?.code.rawValue
            record.finishedAt = date
            try record.update(db)
            if let webhook { try Self.enqueue(webhook, for: record, at: date, db) }
            return record
        }?.job(result: outcome.result)
    }

    public func requestCancel(_ id: JobID, at date: Date) async throws -> Job? {
        try await database.write { db -> JobRecord? in
            guard var record = try JobRecord.fetchOne(db, key: id.rawValue),
                  record.status == JobStatus.processing.rawValue
            else { return nil }
            if record.cancelRequestedAt == nil {
                record.cancelRequestedAt = date
                try record.update(db)
            }
            return record
        }?.job()
    }

    public func isCancelRequested(_ id: JobID) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT cancel_requested_at IS NOT NULL FROM job WHERE id = ?", arguments: [id.rawValue]) ?? false
        }
    }

    public func requeue(_ id: JobID, refundingAttempt: Bool) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE job SET status = ?, backend = NULL, attempts = MAX(attempts - ?, 0)
                    WHERE id = ? AND status = ? AND cancel_requested_at IS NULL
                    """,
                arguments: [JobStatus.queued.rawValue, refundingAttempt ? 1 : 0, id.rawValue, JobStatus.processing.rawValue])
            return db.changesCount == 1
        }
    }

    public func retry(_ id: JobID, notBefore: Date, failedOn backend: String) async throws -> Bool {
        try await database.write { db in
            guard var record = try JobRecord.fetchOne(db, key: id.rawValue), record.status == JobStatus.processing.rawValue,
                  record.cancelRequestedAt == nil
            else { return false }
            record.status = JobStatus.queued.rawValue
            record.backend = nil
            record.notBefore = notBefore
            record.failedBackends = try JobRecord.lorasText(try JobRecord.names(record.failedBackends) + [backend])
            try record.update(db)
            return true
        }
    }

    public func nextRetryDue(after date: Date) async throws -> Date? {
        try await database.read { db in try Date.fetchOne(db, sql: Queries.retryDue, arguments: [date]) }
    }

    public func count(of status: JobStatus) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT n FROM job_count WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
    }

    public func isQueuePaused() async throws -> Bool {
        try await database.read { db in try Bool.fetchOne(db, sql: "SELECT paused FROM queue_state WHERE id = 1") ?? false }
    }

    public func setQueuePaused(_ paused: Bool) async throws {
        try await database.write { db in try db.execute(sql: "UPDATE queue_state SET paused = ? WHERE id = 1", arguments: [paused]) }
    }

    public func queuedJobs(limit: Int) async throws -> [Job] {
        try await database.read { db in
            try JobRecord.fetchAll(db, sql: Queries.queued, arguments: [limit])
        }.map { try $0.job() }
    }

    public func activeJobs(limit: Int) async throws -> [Job] {
        try await database.read { db in
            try JobRecord.fetchAll(db, sql: Queries.active, arguments: [limit])
        }.map { try $0.job() }
    }

    public func completedJobs(limit: Int, offset: Int, before: JobID?) async throws -> [Job] {
        try await database.read { db in
            if let before {
                return try JobRecord.fetchAll(db, sql: Queries.completedBefore, arguments: [before.rawValue, limit, offset])
            }
            return try JobRecord.fetchAll(db, sql: Queries.completed, arguments: [limit, offset])
        }.map { try $0.job() }
    }

    public func deleteFinished(_ id: JobID) async throws -> Job? {
        try await database.write { db -> JobRecord? in
            guard let record = try JobRecord.fetchOne(db, key: id.rawValue),
                  JobStatus(rawValue: record.status)?.isTerminal == true
            else { return nil }
            try record.delete(db)
            return record
        }?.job()
    }

    public func requeueInterrupted(maxAttempts: Int) async throws -> (requeued: [JobID], remaining: [Job]) {
        try await database.write { db in
            let stranded = try JobRecord.fetchAll(db, sql: Queries.processing)
            var requeued: [JobID] = []
            var remaining: [Job] = []
            for var record in stranded {
                guard record.attempts < maxAttempts, record.cancelRequestedAt == nil else {
                    remaining.append(try record.job())
                    continue
                }
                record.status = JobStatus.queued.rawValue
                record.backend = nil
                try record.update(db)
                requeued.append(JobID(rawValue: record.id))
            }
            return (requeued, remaining)
        }
    }
}
