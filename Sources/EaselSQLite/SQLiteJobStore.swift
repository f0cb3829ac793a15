import EaselCore
import Foundation
import GRDB

/// The embedded default store: one SQLite file in WAL mode, so readers (the REST API) never wait on the
/// writer (the workers). Each state change is one conditional UPDATE inside a write transaction.
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

    public func claimNext(backend: String, at date: Date) async throws -> Job? {
        try await database.write { db -> JobRecord? in
            guard var record = try JobRecord.fetchOne(db, sql: """
                SELECT * FROM job WHERE status = ? ORDER BY priority DESC, created_at ASC, rowid ASC LIMIT 1
                """, arguments: [JobStatus.queued.rawValue])
            else { return nil }
            record.status = JobStatus.processing.rawValue
            record.startedAt = date
            record.attempts += 1
            record.backend = backend
            try record.update(db)
            return record
        }?.job()
    }

    public func finish(_ id: JobID, status: JobStatus, result: JobResult?, error: String?, at date: Date) async throws -> Job? {
        let resultText = try result.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await database.write { db -> JobRecord? in
            guard var record = try JobRecord.fetchOne(db, key: id.rawValue),
                  record.status == JobStatus.processing.rawValue
            else { return nil }
            record.status = status.rawValue
            record.result = resultText
            record.error = error
            record.finishedAt = date
            try record.update(db)
            return record
        }?.job()
    }

    public func cancelQueued(_ id: JobID, at date: Date) async throws -> Job? {
        try await database.write { db -> JobRecord? in
            guard var record = try JobRecord.fetchOne(db, key: id.rawValue),
                  record.status == JobStatus.queued.rawValue
            else { return nil }
            record.status = JobStatus.cancelled.rawValue
            record.finishedAt = date
            try record.update(db)
            return record
        }?.job()
    }

    public func requeue(_ id: JobID) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE job SET status = ?, backend = NULL WHERE id = ? AND status = ?",
                arguments: [JobStatus.queued.rawValue, id.rawValue, JobStatus.processing.rawValue])
            return db.changesCount == 1
        }
    }

    public func count(of status: JobStatus) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE status = ?", arguments: [status.rawValue]) ?? 0
        }
    }

    public func activeJobs(limit: Int) async throws -> [Job] {
        try await database.read { db in
            try JobRecord.fetchAll(db, sql: """
                SELECT * FROM job WHERE status IN (?, ?)
                ORDER BY COALESCE(started_at, created_at) DESC, created_at DESC LIMIT ?
                """, arguments: [JobStatus.queued.rawValue, JobStatus.processing.rawValue, limit])
        }.map { try $0.job() }
    }

    public func completedJobs(limit: Int, offset: Int) async throws -> [Job] {
        try await database.read { db in
            try JobRecord.fetchAll(db, sql: """
                SELECT * FROM job WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?
                """, arguments: [JobStatus.completed.rawValue, limit, offset])
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

    public func recoverInterrupted(maxAttempts: Int, at date: Date) async throws -> (requeued: [JobID], failed: [JobID]) {
        try await database.write { db in
            let stranded = try JobRecord.fetchAll(
                db, sql: "SELECT * FROM job WHERE status = ?", arguments: [JobStatus.processing.rawValue])
            var requeued: [JobID] = []
            var failed: [JobID] = []
            for var record in stranded {
                if record.attempts < maxAttempts {
                    record.status = JobStatus.queued.rawValue
                    record.backend = nil
                    requeued.append(JobID(rawValue: record.id))
                } else {
                    record.status = JobStatus.failed.rawValue
                    record.error = "Server stopped while the job was running (attempt \(record.attempts) of \(maxAttempts))"
                    record.finishedAt = date
                    failed.append(JobID(rawValue: record.id))
                }
                try record.update(db)
            }
            return (requeued, failed)
        }
    }
}
