import EaselCore
import Foundation
import GRDB

extension SQLiteJobStore {
    enum WebhookQueries {
        static let due = """
            SELECT * FROM webhook_delivery INDEXED BY webhook_due
            WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?
            """
        static let ofJob = """
            SELECT * FROM webhook_delivery INDEXED BY webhook_job WHERE job_id = ? ORDER BY created_at, rowid
            """
    }

    /// Writes `message`'s deliveries for the job `record`, inside the caller's transaction.
    static func enqueue(_ message: WebhookMessage, for record: JobRecord, at date: Date, _ db: Database) throws {
        let targets = (record.callbackURL.map { [$0] } ?? []) + message.serverURLs
        for url in targets {
            try WebhookRecord(message: message, jobID: JobID(rawValue: record.id), url: url, at: date).insert(db)
        }
    }

    public func leaseDueWebhookDeliveries(at date: Date, until leaseEnd: Date, limit: Int) async throws -> [WebhookDelivery] {
        try await database.write { db in
            let due = try WebhookRecord.fetchAll(db, sql: WebhookQueries.due, arguments: [date, limit])
            for var record in due {
                record.nextAttemptAt = leaseEnd
                try record.update(db)
            }
            return due
        }.map(\.delivery)
    }

    public func recordWebhookAttempt(_ id: String, _ attempt: WebhookAttempt) async throws {
        try await database.write { db in
            guard var record = try WebhookRecord.fetchOne(db, key: id) else { return }
            record.attempts += 1
            record.lastStatus = attempt.status
            record.lastError = attempt.error
            switch attempt.next {
            case .delivered:
                record.deliveredAt = attempt.at
                record.nextAttemptAt = nil
            case .retry(let date):
                record.nextAttemptAt = date
            case .giveUp:
                record.gaveUpAt = attempt.at
                record.nextAttemptAt = nil
            }
            try record.update(db)
        }
    }

    public func webhookDeliveries(of job: JobID) async throws -> [WebhookDelivery] {
        try await database.read { db in
            try WebhookRecord.fetchAll(db, sql: WebhookQueries.ofJob, arguments: [job.rawValue])
        }.map(\.delivery)
    }
}
