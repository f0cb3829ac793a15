import EaselCore
import Foundation
import GRDB

extension SQLiteJobStore {
    /// How many expired keys one insert removes: enough to outpace the keys inserts add.
    static let expiredKeysPerInsert = 4

    public func insert(_ job: Job, key: IdempotencyKey, notBefore: Date) async throws -> IdempotentInsert {
        let record = try JobRecord(job)
        return try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM idempotency_key WHERE key IN (
                        SELECT key FROM idempotency_key INDEXED BY idempotency_key_age
                        WHERE created_at < ? ORDER BY created_at LIMIT ?)
                    """,
                arguments: [notBefore, Self.expiredKeysPerInsert])
            // A key whose job was deleted since is free again.
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT k.request_digest, k.job_id FROM idempotency_key k
                    WHERE k.key = ? AND k.created_at >= ? AND EXISTS (SELECT 1 FROM job WHERE job.id = k.job_id)
                    """,
                arguments: [key.key, notBefore])
            {
                let earlier = JobID(rawValue: row["job_id"])
                return row["request_digest"] == key.requestDigest ? .existing(earlier) : .conflict(earlier)
            }
            try record.insert(db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO idempotency_key (key, request_digest, job_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.key, key.requestDigest, job.id.rawValue, job.createdAt])
            return .inserted
        }
    }
}
