import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    /// Idempotency keys and the queue's pause: what queue control keeps in the store.
    static let queueControlChecks: [Check] = [
        Check(name: "a key stores one job; its repeat names it, another request under it conflicts") { store in
            let key = IdempotencyKey(key: "k-1", requestDigest: "digest-a")
            let first = job("first", at: 1_000)
            #expect(try await store.insert(first, key: key, notBefore: Date(timeIntervalSince1970: 0)) == .inserted)
            let repeated = job("repeat", at: 1_001)
            #expect(try await store.insert(repeated, key: key, notBefore: Date(timeIntervalSince1970: 0)) == .existing(first.id))
            #expect(try await store.job(repeated.id) == nil, "a repeat stores nothing")
            let other = IdempotencyKey(key: "k-1", requestDigest: "digest-b")
            let conflicting = try await store.insert(job("other", at: 1_002), key: other, notBefore: Date(timeIntervalSince1970: 0))
            #expect(conflicting == .conflict(first.id))
            #expect(try await store.count(of: .queued) == 1)
        },
        Check(name: "a key past its lifetime, or whose job was deleted, is taken over") { store in
            let key = IdempotencyKey(key: "k-2", requestDigest: "digest")
            let old = job("old", at: 1_000)
            #expect(try await store.insert(old, key: key, notBefore: Date(timeIntervalSince1970: 0)) == .inserted)
            let later = job("later", at: 5_000)
            #expect(try await store.insert(later, key: key, notBefore: Date(timeIntervalSince1970: 2_000)) == .inserted)
            let again = try await store.insert(job("again", at: 5_001), key: key, notBefore: Date(timeIntervalSince1970: 2_000))
            #expect(again == .existing(later.id))

            let finished = job("finished", at: 6_000)
            let deletedKey = IdempotencyKey(key: "k-3", requestDigest: "digest")
            #expect(try await store.insert(finished, key: deletedKey, notBefore: Date(timeIntervalSince1970: 0)) == .inserted)
            _ = try await store.end(finished.id, from: .queued, with: .cancelled("test"), at: Date(timeIntervalSince1970: 6_001))
            #expect(try await store.deleteFinished(finished.id) != nil)
            let renewed = job("renewed", at: 6_002)
            #expect(try await store.insert(renewed, key: deletedKey, notBefore: Date(timeIntervalSince1970: 0)) == .inserted)
        },
        Check(name: "the queue's pause is kept until it is lifted") { store in
            #expect(try await store.isQueuePaused() == false)
            try await store.setQueuePaused(true)
            try await store.setQueuePaused(true)
            #expect(try await store.isQueuePaused())
            try await store.setQueuePaused(false)
            #expect(try await store.isQueuePaused() == false)
        },
    ]
}
