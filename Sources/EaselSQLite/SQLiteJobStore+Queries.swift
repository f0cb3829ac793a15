import GRDB

extension SQLiteJobStore {
    /// The store's list queries, each naming the index of `JobRecord.migrator` it is written for (status values
    /// are literals so that the partial index applies). Without `INDEXED BY` the planner, which has no statistics,
    /// may pick another index on `status` and sort every matching row. `queryPlans()` shows how SQLite runs them.
    enum Queries {
        /// The order queued jobs are claimed in: the one place it is written (the claim, the queue's first job, and
        /// the queue positions read it). Every claim query skips the jobs not yet due (`due`, bound to the time of the
        /// read): waiting out a retry's backoff, they are few, so the rows walked past stay few.
        static let claimOrder = "priority DESC, queue_order ASC, rowid ASC"
        static let claim = """
            SELECT * FROM job INDEXED BY job_claim WHERE status = 'queued' AND \(due) ORDER BY \(claimOrder) LIMIT 1
            """
        /// The head of the queue in claim order, for queue positions (jobs waiting out a backoff included).
        static let queued = """
            SELECT * FROM job INDEXED BY job_claim WHERE status = 'queued' ORDER BY \(claimOrder) LIMIT ?
            """
        static let due = "(not_before IS NULL OR not_before <= ?)"
        static let headColumns = "id, model, loras, priority, created_at, queue_order, failed_backends"
        static let firstHead = """
            SELECT \(headColumns) FROM job INDEXED BY job_route WHERE status = 'queued' AND \(due)
            ORDER BY model, loras, priority DESC, queue_order, rowid LIMIT 1
            """
        /// The next group with the same model. (Not `(model, loras) > (?, ?)`: SQLite seeks on the first column of a
        /// row value only and walks the rest of the group, whose length is the queue's.)
        static let nextLoRAsHead = """
            SELECT \(headColumns) FROM job INDEXED BY job_route WHERE status = 'queued'
            AND model = ? AND loras > ? AND \(due) ORDER BY model, loras, priority DESC, queue_order, rowid LIMIT 1
            """
        /// The first group of the next model.
        static let nextModelHead = """
            SELECT \(headColumns) FROM job INDEXED BY job_route WHERE status = 'queued'
            AND model > ? AND \(due) ORDER BY model, loras, priority DESC, queue_order, rowid LIMIT 1
            """
        static let active = """
            SELECT * FROM job INDEXED BY job_active WHERE status IN ('queued', 'processing')
            ORDER BY COALESCE(started_at, created_at) DESC, created_at DESC LIMIT ?
            """
        static let completed = """
            SELECT * FROM job INDEXED BY job_finished WHERE status = 'completed' ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?
            """
        static let completedBefore = """
            SELECT * FROM job INDEXED BY job_finished WHERE status = 'completed'
            AND (created_at, rowid) < (SELECT created_at, rowid FROM job WHERE id = ?)
            ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?
            """
        static let processing = "SELECT * FROM job INDEXED BY job_claim WHERE status = 'processing'"
        static let retryDue = """
            SELECT MIN(not_before) FROM job INDEXED BY job_retry_due
            WHERE status = 'queued' AND not_before IS NOT NULL AND not_before > ?
            """
    }

    /// `EXPLAIN QUERY PLAN` of each list query, by name: the details SQLite reports, one line each. A plan that
    /// sorts (`USE TEMP B-TREE`) or scans the whole table costs time that grows with the jobs stored.
    public func queryPlans() async throws -> [String: [String]] {
        let queries = ["claim": Queries.claim, "firstHead": Queries.firstHead, "nextLoRAsHead": Queries.nextLoRAsHead,
                       "nextModelHead": Queries.nextModelHead, "active": Queries.active, "completed": Queries.completed,
                       "completedBefore": Queries.completedBefore, "processing": Queries.processing, "queued": Queries.queued,
                       "retryDue": Queries.retryDue,
                       "webhookDue": WebhookQueries.due, "webhookOfJob": WebhookQueries.ofJob]
            .merging(BatchQueries.all) { first, _ in first }
        return try await database.read { db in
            try queries.mapValues { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql.replacingOccurrences(of: "= ?", with: "= 'x'")
                    .replacingOccurrences(of: "?", with: "50"))
                    .map { $0["detail"] as String }
            }
        }
    }
}
