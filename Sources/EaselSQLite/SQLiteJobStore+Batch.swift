import EaselCore
import GRDB

extension SQLiteJobStore {
    /// Rows written per write transaction. One transaction per row would cost a WAL commit (and its fsync) each;
    /// one transaction for millions of rows would hold the writer, and grow the WAL, for the whole call. A few
    /// thousand rows keep both small.
    static let rowsPerBatchTransaction = 5_000

    /// Inserts many jobs at once, a few thousand rows per transaction, through the same `JobRecord` rows as
    /// `insert(_:)`, so it follows the store's schema. For filling a database in bulk (the queue benchmark fills
    /// a million jobs before the server starts); the server itself inserts one job per submit.
    public func insert(contentsOf jobs: [Job]) async throws {
        var start = jobs.startIndex
        while start < jobs.endIndex {
            let end = min(start + Self.rowsPerBatchTransaction, jobs.endIndex)
            let records = try jobs[start..<end].map(JobRecord.init)
            try await database.write { db in
                for record in records { try record.insert(db) }
            }
            start = end
        }
    }
}
