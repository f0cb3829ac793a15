import GRDB

extension JobRecord {
    /// Batches and an order key for `move`: claim order becomes `priority DESC, queue_order, rowid`, the key starting
    /// as the submit time (Unix seconds), so `created_at` keeps meaning "submitted at".
    static func registerBatches(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-batches: batch id and queue order") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN batch_id TEXT;
                ALTER TABLE job ADD COLUMN queue_order REAL NOT NULL DEFAULT 0;
                UPDATE job SET queue_order = (julianday(created_at) - 2440587.5) * 86400.0;
                DROP INDEX job_claim;
                CREATE INDEX job_claim ON job(status, priority DESC, queue_order);
                DROP INDEX job_route;
                CREATE INDEX job_route ON job(model, loras, priority DESC, queue_order) WHERE status = 'queued';
                -- A batch's counts by status (covering), and its active jobs.
                CREATE INDEX job_batch ON job(batch_id, status) WHERE batch_id IS NOT NULL;
                -- A batch's jobs in submit order (rowid), a page at a time.
                CREATE INDEX job_batch_order ON job(batch_id) WHERE batch_id IS NOT NULL;
                """)
        }
    }
}
