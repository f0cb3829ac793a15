import EaselCore
import EaselSQLite
import EaselTesting
import Foundation
import GRDB
import Testing

/// The SQLite store against real files in a temporary folder: the conformance suite, then what only SQLite has.
@Suite struct SQLiteJobStoreTests {
    let folder: URL
    var path: String { folder.appendingPathComponent("jobs.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test(arguments: JobStoreConformance.checks)
    func conforms(_ check: JobStoreConformance.Check) async throws {
        try await check.run(try SQLiteJobStore(path: path))
    }

    @Test func reopeningTheFileKeepsTheQueue() async throws {
        let queued = Job(parameters: GenerationParameters(prompt: "persist"), createdAt: Date(timeIntervalSince1970: 1))
        try await SQLiteJobStore(path: path).insert(queued)
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(queued.id) == queued)
        #expect(try await reopened.count(of: .queued) == 1)
    }

    /// Every list query reads an index in order: no temporary B-tree sorts the queue and no query scans the table.
    @Test func everyQueryIsServedByAnIndex() async throws {
        let plans = try await SQLiteJobStore(path: path).queryPlans()
        #expect(Set(plans.keys) == ["claim", "firstHead", "nextLoRAsHead", "nextModelHead", "active", "completed", "completedBefore", "processing", "queued",
                                   "retryDue", "webhookDue", "webhookOfJob", "batchCounts", "batchPage", "batchActive", "queueFirst",
                                   "queueLast", "queuePrevious"])
        for (name, details) in plans {
            #expect(!details.isEmpty)
            for detail in details {
                #expect(!detail.contains("TEMP B-TREE"), "\(name): \(detail)")
                #expect(detail.hasPrefix("SEARCH") || detail.contains("USING INDEX") || detail.contains("SUBQUERY"),
                        "\(name): \(detail)")
            }
        }
        #expect(plans["active"]?.joined().contains("job_active") == true)
        #expect(plans["claim"]?.joined().contains("job_claim") == true)
        #expect(plans["queued"]?.joined().contains("job_claim") == true)
        #expect(plans["webhookDue"]?.joined().contains("USING INDEX webhook_due (next_attempt_at>? AND next_attempt_at<?)") == true, "\(plans["webhookDue"] ?? [])")
        #expect(plans["webhookOfJob"]?.joined().contains("webhook_job (job_id=?)") == true)
        // The next queue head is a seek on both columns of its group; a row value would seek on `model` alone and walk
        // the whole group (every queued job, when none names a model).
        #expect(plans["nextLoRAsHead"]?.joined().contains("(model=? AND loras>?)") == true, "\(plans["nextLoRAsHead"] ?? [])")
        #expect(plans["nextModelHead"]?.joined().contains("(model>?)") == true)
    }

    /// A database written by the first schema keeps its jobs, gets codes for its failures and counts its queue.
    @Test func migratingAVersionOneDatabaseKeepsItsJobs() async throws {
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: job table');
                CREATE TABLE job (id TEXT PRIMARY KEY, prompt TEXT NOT NULL, params TEXT NOT NULL,
                    return_format TEXT NOT NULL, status TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
                    created_at DATETIME NOT NULL, started_at DATETIME, finished_at DATETIME,
                    attempts INTEGER NOT NULL DEFAULT 0, backend TEXT, error TEXT, result TEXT);
                CREATE INDEX job_queue ON job(status, priority, created_at);
                INSERT INTO job (id, prompt, params, return_format, status, created_at) VALUES
                    ('q', 'a', '{"prompt":"a"}', 'url', 'queued', '2026-01-01 00:00:00.000');
                INSERT INTO job (id, prompt, params, return_format, status, created_at, error) VALUES
                    ('f', 'b', '{"prompt":"b"}', 'url', 'failed', '2026-01-01 00:00:01.000',
                     'Server stopped while the job was running (attempt 2 of 2)');
                """)
        }
        try database.close()
        let store = try SQLiteJobStore(path: path)
        #expect(try await store.count(of: .queued) == 1)
        #expect(try await store.count(of: .failed) == 1)
        #expect(try await store.job(JobID(rawValue: "f"))?.failure?.code == .serverStopped)
        #expect(try await store.claimNext(backend: "b", at: Date())?.id == JobID(rawValue: "q"))
    }

    /// Rows written before job kinds (params with the origin's eleven keys, results without `processed`) read as
    /// txt2img jobs with the same parameters: the schema did not change, only the JSON grew keys.
    @Test func rowsFromBeforeJobKindsReadAsTxt2ImgJobs() async throws {
        let store = try SQLiteJobStore(path: path)
        let database = try DatabaseQueue(path: path)
        let params = #"{"batch_size":1,"cfg_scale":7,"denoising_strength":null,"height":96,"n_iter":1,"#
            + #""negative_prompt":null,"prompt":"old","sampler_name":"DPM++ 2M","seed":-1,"steps":3,"width":64}"#
        let result = #"{"generationInfo":{"seed":1},"images":[{"byteCount":3,"fileName":"o/0.jpg","mimeType":"image/jpeg"}]}"#
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO job (id, prompt, params, return_format, status, created_at, finished_at, result)
                    VALUES ('o', 'old', ?, 'url', 'completed', '2026-01-01 00:00:00.000', '2026-01-01 00:00:01.000', ?)
                    """,
                arguments: [params, result])
        }
        try database.close()
        let job = try #require(try await store.job(JobID(rawValue: "o")))
        #expect(job.parameters == GenerationParameters(prompt: "old", steps: 3, width: 64, height: 96))
        #expect(job.parameters.kind == .txt2img)
        #expect(job.result?.images.count == 1 && job.result?.processed == [])
    }
}
