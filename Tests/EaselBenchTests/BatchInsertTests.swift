import EaselCore
import EaselSQLite
import Foundation
import Testing

/// The batch insert the queue scenario fills its database with: the rows must be the ones `insert(_:)` writes, so
/// the server claims and lists them as if they had been submitted.
struct BatchInsertTests {
    @Test func manyTransactionsOfJobsAreStoredWholeAndInOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
        let jobs = (0..<12_345).map { index in
            Job(parameters: GenerationParameters(prompt: "job \(index)", steps: 1, width: 64, height: 64),
                createdAt: Date(timeIntervalSince1970: 1_000 + Double(index)))
        }
        try await store.insert(contentsOf: jobs)
        try await store.insert(contentsOf: [])
        #expect(try await store.count(of: .queued) == jobs.count)
        #expect(try await store.job(jobs[6_789].id) == jobs[6_789])
        let first = try #require(try await store.claimNext(backend: "b", at: Date()))
        #expect(first.id == jobs[0].id)
        let newest = try await store.activeJobs(limit: 2).map(\.id)
        #expect(newest == [first.id, jobs[jobs.count - 1].id])
    }

    @Test func aDuplicateIDFailsItsTransactionOnly() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
        let job = Job(parameters: GenerationParameters(prompt: "once"))
        try await store.insert(job)
        await #expect(throws: (any Error).self) { try await store.insert(contentsOf: [Job(parameters: GenerationParameters(prompt: "new")), job]) }
        #expect(try await store.count(of: .queued) == 1)
    }
}
