import GRDB

extension JobRecord {
    /// Append-only schema history; never edit a migration that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: job table") { db in
            try db.create(table: "job") { table in
                table.column("id", .text).primaryKey()
                table.column("prompt", .text).notNull()
                table.column("params", .text).notNull()
                table.column("return_format", .text).notNull()
                table.column("status", .text).notNull()
                table.column("priority", .integer).notNull().defaults(to: 0)
                table.column("created_at", .datetime).notNull()
                table.column("started_at", .datetime)
                table.column("finished_at", .datetime)
                table.column("attempts", .integer).notNull().defaults(to: 0)
                table.column("backend", .text)
                table.column("error", .text)
                table.column("result", .text)
            }
            try db.create(index: "job_queue", on: "job", columns: ["status", "priority", "created_at"])
        }
        migrator.registerMigration("v2: failure codes, cancel requests, indexes for every query, status counts") { db in
            try db.alter(table: "job") { table in
                table.add(column: "error_code", .text)
                table.add(column: "cancel_requested_at", .datetime)
            }
            try db.execute(sql: """
                UPDATE job SET error_code = CASE
                    WHEN status = 'cancelled' THEN 'cancelled'
                    WHEN error LIKE 'Server stopped%' THEN 'server_stopped'
                    ELSE 'internal_error' END
                WHERE status IN ('failed', 'cancelled');
                UPDATE job SET error = 'Cancelled' WHERE status = 'cancelled' AND error IS NULL;
                DROP INDEX job_queue;
                -- The claim: queued jobs in priority order, oldest first (rowid breaks ties), read straight off the index.
                CREATE INDEX job_claim ON job(status, priority DESC, created_at);
                -- The active list, newest start first; partial, so finished jobs cost it nothing.
                CREATE INDEX job_active ON job(COALESCE(started_at, created_at) DESC, created_at DESC)
                    WHERE status IN ('queued', 'processing');
                -- Finished jobs of one status, newest first (read backwards).
                CREATE INDEX job_finished ON job(status, created_at);
                """)
            try createStatusCounts(db)
        }
        migrator.registerMigration("v3: required model and LoRAs, the queue's head per requirement") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN model TEXT NOT NULL DEFAULT '';
                ALTER TABLE job ADD COLUMN loras TEXT NOT NULL DEFAULT '[]';
                -- Queued jobs grouped by requirement, each group in claim order: its first row is the group's head, and
                -- the next group starts at the first row past (model, loras). Partial, so running and finished jobs cost
                -- it nothing.
                CREATE INDEX job_route ON job(model, loras, priority DESC, created_at) WHERE status = 'queued';
                """)
        }
        registerWebhookOutbox(in: &migrator)
        migrator.registerMigration("v4-queue: paused state") { db in
            try db.execute(sql: """
                -- The queue's one switch: paused or running.
                CREATE TABLE queue_state (id INTEGER PRIMARY KEY CHECK (id = 1), paused BOOLEAN NOT NULL);
                INSERT INTO queue_state (id, paused) VALUES (1, 0);
                """)
        }
        migrator.registerMigration("v4-idempotency: keys") { db in
            try db.execute(sql: """
                -- One row per Idempotency-Key: the job it stored and a digest of the request it came with.
                CREATE TABLE idempotency_key (
                    key TEXT PRIMARY KEY NOT NULL,
                    request_digest TEXT NOT NULL,
                    job_id TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                ) WITHOUT ROWID;
                -- The oldest keys first, for the few each insert removes once past their lifetime.
                CREATE INDEX idempotency_key_age ON idempotency_key(created_at);
                """)
        }
        migrator.registerMigration("v5-retries: not before, failed backends, timeout") { db in
            try db.execute(sql: """
                ALTER TABLE job ADD COLUMN not_before DATETIME;
                ALTER TABLE job ADD COLUMN failed_backends TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE job ADD COLUMN timeout_seconds DOUBLE;
                -- Queued jobs waiting out a retry's backoff, soonest first: when an idle backend looks again. Partial,
                -- so the jobs that wait for nothing cost it nothing.
                CREATE INDEX job_retry_due ON job(not_before) WHERE status = 'queued' AND not_before IS NOT NULL;
                """)
        }
        registerBatches(in: &migrator)
        return migrator
    }

    /// `job_count` holds how many jobs have each status, kept by triggers in the same transaction as every
    /// change, so counting the queue reads one row instead of scanning it.
    private static func createStatusCounts(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE job_count (status TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL)")
        try db.execute(sql: """
            INSERT INTO job_count (status, n) SELECT status, COUNT(*) FROM job GROUP BY status;
            CREATE TRIGGER job_count_insert AFTER INSERT ON job BEGIN
                INSERT INTO job_count (status, n) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET n = n + 1;
            END;
            CREATE TRIGGER job_count_delete AFTER DELETE ON job BEGIN
                UPDATE job_count SET n = n - 1 WHERE status = OLD.status;
            END;
            CREATE TRIGGER job_count_update AFTER UPDATE OF status ON job WHEN OLD.status <> NEW.status BEGIN
                UPDATE job_count SET n = n - 1 WHERE status = OLD.status;
                INSERT INTO job_count (status, n) VALUES (NEW.status, 1)
                    ON CONFLICT (status) DO UPDATE SET n = n + 1;
            END;
            """)
    }
}
