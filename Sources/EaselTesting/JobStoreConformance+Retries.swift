import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    /// Retries: a transiently failed job waits out its backoff in the queue, remembers the backends it failed on and
    /// keeps its attempts and deadline.
    static let retryChecks: [Check] = [
        Check(name: "a retried job is not a head nor claimable before its not-before, then is, with its failed backend") { store in
            let at = { (seconds: Double) in Date(timeIntervalSince1970: seconds) }
            let failing = job("fails once", at: 1)
            try await store.insert(failing)
            _ = try #require(try await store.claim(failing.id, backend: "http://a", at: at(100)))
            #expect(try await store.retry(failing.id, notBefore: at(200), failedOn: "http://a"))
            #expect(try await store.retry(failing.id, notBefore: at(200), failedOn: "http://a") == false, "no longer processing")

            let waiting = try #require(try await store.job(failing.id))
            #expect(waiting.status == .queued && waiting.attempts == 1 && waiting.backend == nil)
            #expect(waiting.notBefore == at(200) && waiting.failedBackends == ["http://a"])
            #expect(try await store.queueHeads(limit: 10, at: at(150)).isEmpty)
            #expect(try await store.claim(failing.id, backend: "http://b", at: at(150)) == nil)
            #expect(try await store.nextRetryDue(after: at(150)) == at(200))
            #expect(try await store.nextRetryDue(after: at(200)) == nil)

            let heads = try await store.queueHeads(limit: 10, at: at(200))
            #expect(heads.map(\.id) == [failing.id] && heads.first?.failedBackends == ["http://a"])
            let second = try #require(try await store.claim(failing.id, backend: "http://b", at: at(200)))
            #expect(second.attempts == 2 && second.notBefore == nil)
            #expect(try await store.retry(failing.id, notBefore: at(300), failedOn: "http://b"))
            #expect(try await store.job(failing.id)?.failedBackends == ["http://a", "http://b"])
        },
        Check(name: "a job waiting out its backoff does not hide the next job of its requirement") { store in
            let at = { (seconds: Double) in Date(timeIntervalSince1970: seconds) }
            let first = job("first", at: 1)
            let next = job("next", at: 2)
            try await store.insert(first)
            try await store.insert(next)
            _ = try #require(try await store.claim(first.id, backend: "http://a", at: at(100)))
            #expect(try await store.retry(first.id, notBefore: at(200), failedOn: "http://a"))
            #expect(try await store.queueHeads(limit: 10, at: at(150)).map(\.id) == [next.id])
            #expect(try await store.claimNext(backend: "http://b", at: at(150))?.id == next.id)
            #expect(try await store.claimNext(backend: "http://b", at: at(150)) == nil)
            #expect(try await store.claimNext(backend: "http://b", at: at(250))?.id == first.id)
        },
        Check(name: "a retry requested after a cancel is refused, and a job keeps its deadline") { store in
            var timed = job("timed", at: 1)
            timed.timeoutSeconds = 12.5
            try await store.insert(timed)
            #expect(try await store.job(timed.id)?.timeoutSeconds == 12.5)
            _ = try #require(try await store.claimNext(backend: "http://a", at: Date()))
            _ = try #require(try await store.requestCancel(timed.id, at: Date()))
            #expect(try await store.retry(timed.id, notBefore: Date(), failedOn: "http://a") == false)
            #expect(try await store.job(timed.id)?.status == .processing)
        },
    ]
}
