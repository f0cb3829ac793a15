import EaselCore
import EaselSQLite
import Foundation
import Testing

/// The store against a real SQLite file in a temporary folder.
@Suite struct SQLiteJobStoreTests {
    let folder: URL
    let store: SQLiteJobStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
    }

    private func job(_ prompt: String, priority: Int = 0, at seconds: Double) -> Job {
        Job(parameters: GenerationParameters(prompt: prompt), priority: priority, createdAt: Date(timeIntervalSince1970: seconds))
    }

    @Test func claimsHighestPriorityThenOldest() async throws {
        try await store.insert(job("old", at: 1))
        try await store.insert(job("new", at: 2))
        try await store.insert(job("urgent", priority: 5, at: 3))
        var order: [String] = []
        while let claimed = try await store.claimNext(backend: "b", at: Date()) {
            #expect(claimed.status == .processing && claimed.attempts == 1 && claimed.backend == "b")
            order.append(claimed.parameters.prompt)
        }
        #expect(order == ["urgent", "old", "new"])
    }

    @Test func transitionsOnlyFromTheExpectedState() async throws {
        let queued = job("a", at: 1)
        try await store.insert(queued)
        #expect(try await store.finish(queued.id, status: .completed, result: nil, error: nil, at: Date()) == nil)
        let claimed = try #require(try await store.claimNext(backend: "b", at: Date()))
        #expect(try await store.cancelQueued(claimed.id, at: Date()) == nil)
        let result = JobResult(images: [StoredImage(fileName: "x/0.jpg", mimeType: "image/jpeg", byteCount: 3)],
                               generationInfo: .object(["seed": .number(7)]))
        let finished = try #require(try await store.finish(claimed.id, status: .completed, result: result, error: nil, at: Date()))
        #expect(finished.status == .completed && finished.result == result && finished.finishedAt != nil)
        #expect(try await store.finish(claimed.id, status: .failed, result: nil, error: "late", at: Date()) == nil)
        #expect(try await store.completedJobs(limit: 10, offset: 0).map(\.id) == [claimed.id])
        #expect(try await store.deleteFinished(claimed.id)?.id == claimed.id)
        #expect(try await store.job(claimed.id) == nil)
    }

    @Test func cancelsOnlyQueuedJobs() async throws {
        let queued = job("a", at: 1)
        try await store.insert(queued)
        let cancelled = try #require(try await store.cancelQueued(queued.id, at: Date()))
        #expect(cancelled.status == .cancelled)
        #expect(try await store.claimNext(backend: "b", at: Date()) == nil)
        #expect(try await store.activeJobs(limit: 10).isEmpty)
    }

    @Test func recoveryRequeuesOnceThenFails() async throws {
        try await store.insert(job("a", at: 1))
        let first = try #require(try await store.claimNext(backend: "b", at: Date()))
        let recovered = try await store.recoverInterrupted(maxAttempts: 2, at: Date())
        #expect(recovered.requeued == [first.id] && recovered.failed.isEmpty)
        let second = try #require(try await store.claimNext(backend: "b", at: Date()))
        #expect(second.id == first.id && second.attempts == 2)
        let again = try await store.recoverInterrupted(maxAttempts: 2, at: Date())
        #expect(again.failed == [first.id])
        let failed = try #require(try await store.job(first.id))
        #expect(failed.status == .failed && failed.error?.contains("Server stopped") == true)
    }

    @Test func reopeningTheFileKeepsTheQueue() async throws {
        let queued = job("persist", at: 1)
        try await store.insert(queued)
        let reopened = try SQLiteJobStore(path: folder.appendingPathComponent("jobs.sqlite").path)
        #expect(try await reopened.job(queued.id) == queued)
    }
}
