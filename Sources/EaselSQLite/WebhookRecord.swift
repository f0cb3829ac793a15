import EaselCore
import Foundation
import GRDB

/// A `webhook_delivery` row: one event on its way to one URL (the outbox).
struct WebhookRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "webhook_delivery"

    var id: String
    var jobID: String
    var url: String
    var event: String
    var payload: Data
    var createdAt: Date
    var attempts: Int
    /// Set while the delivery is pending: the due index holds only these rows.
    var nextAttemptAt: Date?
    var deliveredAt: Date?
    var gaveUpAt: Date?
    var lastStatus: Int?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id
        case jobID = "job_id"
        case url, event, payload
        case createdAt = "created_at"
        case attempts
        case nextAttemptAt = "next_attempt_at"
        case deliveredAt = "delivered_at"
        case gaveUpAt = "gave_up_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
    }

    init(message: WebhookMessage, jobID: JobID, url: String, at date: Date) {
        id = WebhookDelivery.makeID()
        self.jobID = jobID.rawValue
        self.url = url
        event = message.type.rawValue
        payload = message.payload
        createdAt = date
        attempts = 0
        nextAttemptAt = date
    }

    var delivery: WebhookDelivery {
        WebhookDelivery(
            id: id, jobID: JobID(rawValue: jobID), url: url, type: WebhookEventType(rawValue: event) ?? .completed,
            payload: payload, createdAt: createdAt, attempts: attempts, nextAttemptAt: nextAttemptAt,
            deliveredAt: deliveredAt, gaveUpAt: gaveUpAt, lastStatus: lastStatus, lastError: lastError)
    }
}

extension JobRecord {
    /// The outbox, and the job's own target. Named "v4-webhooks" so that another v4 migration can sit beside it.
    static func registerWebhookOutbox(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-webhooks: outbox") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN callback_url TEXT;
                CREATE TABLE webhook_delivery (
                    id TEXT PRIMARY KEY NOT NULL,
                    job_id TEXT NOT NULL,
                    url TEXT NOT NULL,
                    event TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    created_at DATETIME NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at DATETIME,
                    delivered_at DATETIME,
                    gave_up_at DATETIME,
                    last_status INTEGER,
                    last_error TEXT
                );
                -- The sender's poll: pending rows, soonest first. Partial, so delivered and given-up rows cost it nothing.
                CREATE INDEX webhook_due ON webhook_delivery(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
                -- A job's deliveries, for its REST view.
                CREATE INDEX webhook_job ON webhook_delivery(job_id, created_at);
                """)
        }
    }
}
