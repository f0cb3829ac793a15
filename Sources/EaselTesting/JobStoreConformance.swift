import EaselCore
import Foundation
import Testing

/// What every `JobStore` must do, as checks any store's tests run against a fresh, empty store:
/// `@Test(arguments: JobStoreConformance.checks)`. A store feature is done when it passes here for every store.
public enum JobStoreConformance {
    /// One named behaviour.
    public struct Check: Sendable, CustomTestStringConvertible {
        public let name: String
        public let run: @Sendable (any JobStore) async throws -> Void
        public var testDescription: String { name }
    }

    public static let checks: [Check] =
        lifecycleChecks + listChecks + kindChecks + routingChecks + webhookChecks + queueControlChecks + positionChecks
        + retryChecks + batchChecks

    static func job(_ prompt: String, priority: Int = 0, at seconds: Double) -> Job {
        Job(parameters: GenerationParameters(prompt: prompt), priority: priority, createdAt: Date(timeIntervalSince1970: seconds))
    }

    static let result = JobResult(
        images: [StoredImage(fileName: "x/0.jpg", mimeType: "image/jpeg", byteCount: 3)],
        generationInfo: .object(["seed": .number(7)]))

    static let lifecycleChecks: [Check] = [
        Check(name: "claims the highest priority, then the oldest") { store in
            try await store.insert(job("old", at: 1))
            try await store.insert(job("new", at: 2))
            try await store.insert(job("urgent", priority: 5, at: 3))
            try await store.insert(job("same time, later insert", at: 2))
            var order: [String] = []
            while let claimed = try await store.claimNext(backend: "b", at: Date()) {
                #expect(claimed.status == .processing && claimed.attempts == 1 && claimed.backend == "b")
                order.append(claimed.parameters.prompt ?? "")
            }
            #expect(order == ["urgent", "old", "new", "same time, later insert"])
        },
        Check(name: "ends a job only from the status it is in") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            #expect(try await store.end(queued.id, from: .processing, with: .completed(result), at: Date()) == nil)
            let claimed = try #require(try await store.claimNext(backend: "b", at: Date()))
            #expect(try await store.end(claimed.id, from: .queued, with: .cancelled("late"), at: Date()) == nil)
            let finished = try #require(try await store.end(claimed.id, from: .processing, with: .completed(result), at: Date()))
            #expect(finished.status == .completed && finished.result == result && finished.finishedAt != nil && finished.failure == nil)
            #expect(try await store.end(claimed.id, from: .processing, with: .failed(JobFailure(.timeout, "late")), at: Date()) == nil)
            let stored = try #require(try await store.job(claimed.id))
            #expect(stored.status == .completed && stored.result == result && stored.finishedAt != nil)
            #expect(try await store.deleteFinished(claimed.id)?.id == claimed.id)
            #expect(try await store.job(claimed.id) == nil)
        },
        Check(name: "keeps a failure's code and message") { store in
            try await store.insert(job("a", at: 1))
            let claimed = try #require(try await store.claimNext(backend: "b", at: Date()))
            let failure = JobFailure(.noImages, "SD.Next returned no images")
            let failed = try #require(try await store.end(claimed.id, from: .processing, with: .failed(failure), at: Date()))
            #expect(failed.status == .failed && failed.failure == failure && failed.result == nil)
            #expect(try await store.job(claimed.id)?.failure == failure)
        },
        Check(name: "cancels a queued job with the cancelled code") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            let cancelled = try #require(try await store.end(queued.id, from: .queued, with: .cancelled("no longer wanted"), at: Date()))
            #expect(cancelled.status == .cancelled && cancelled.failure == JobFailure(.cancelled, "no longer wanted"))
            #expect(try await store.claimNext(backend: "b", at: Date()) == nil)
            #expect(try await store.activeJobs(limit: 10).isEmpty)
        },
        Check(name: "records a cancel request for a processing job only") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            #expect(try await store.requestCancel(queued.id, at: Date()) == nil)
            #expect(try await store.requestCancel(JobID(rawValue: "missing"), at: Date()) == nil)
            #expect(try await store.isCancelRequested(JobID(rawValue: "missing")) == false)
            _ = try #require(try await store.claimNext(backend: "b", at: Date()))
            #expect(try await store.isCancelRequested(queued.id) == false)
            let asked = Date(timeIntervalSince1970: 1_000)
            let requested = try #require(try await store.requestCancel(queued.id, at: asked))
            #expect(requested.status == .processing && requested.cancelRequestedAt == asked)
            #expect(try await store.isCancelRequested(queued.id))
            let again = try #require(try await store.requestCancel(queued.id, at: Date()))
            #expect(again.cancelRequestedAt == asked)
            #expect(try await store.job(queued.id)?.cancelRequestedAt == asked)
        },
        Check(name: "requeues only processing jobs, keeping their attempts") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            #expect(try await store.requeue(queued.id) == false)
            _ = try #require(try await store.claimNext(backend: "b", at: Date()))
            #expect(try await store.requeue(queued.id))
            let requeued = try #require(try await store.job(queued.id))
            #expect(requeued.status == .queued && requeued.backend == nil && requeued.attempts == 1)
            #expect(try await store.claimNext(backend: "c", at: Date())?.attempts == 2)
        },
        Check(name: "requeues a job refused for a rate limit without using up its attempt") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            #expect(try await store.requeue(queued.id, refundingAttempt: true) == false)
            _ = try #require(try await store.claimNext(backend: "b", at: Date()))
            #expect(try await store.requeue(queued.id, refundingAttempt: true))
            let requeued = try #require(try await store.job(queued.id))
            #expect(requeued.status == .queued && requeued.backend == nil && requeued.attempts == 0)
            #expect(try await store.claimNext(backend: "c", at: Date())?.attempts == 1)
            #expect(try await store.requeue(queued.id))
            #expect(try await store.claimNext(backend: "c", at: Date())?.attempts == 2)
        },
        Check(name: "does not requeue a job whose cancel was requested") { store in
            let queued = job("a", at: 1)
            try await store.insert(queued)
            _ = try #require(try await store.claimNext(backend: "b", at: Date()))
            _ = try #require(try await store.requestCancel(queued.id, at: Date()))
            #expect(try await store.requeue(queued.id) == false)
            #expect(try await store.job(queued.id)?.status == .processing)
        },
        Check(name: "after a stop, requeues jobs with attempts left and hands back the rest") { store in
            try await store.insert(job("a", at: 1))
            try await store.insert(job("cancel me", at: 2))
            let first = try #require(try await store.claimNext(backend: "b", at: Date()))
            let doomed = try #require(try await store.claimNext(backend: "b", at: Date()))
            _ = try #require(try await store.requestCancel(doomed.id, at: Date()))
            let recovered = try await store.requeueInterrupted(maxAttempts: 2)
            #expect(recovered.requeued == [first.id] && recovered.remaining.map(\.id) == [doomed.id])
            #expect(try await store.job(doomed.id)?.status == .processing)
            let second = try #require(try await store.claimNext(backend: "b", at: Date()))
            #expect(second.id == first.id && second.attempts == 2)
            let again = try await store.requeueInterrupted(maxAttempts: 2)
            #expect(again.requeued.isEmpty && Set(again.remaining.map(\.id)) == [first.id, doomed.id])
        },
    ]
}
