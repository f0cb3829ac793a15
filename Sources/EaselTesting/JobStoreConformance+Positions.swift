import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    /// The queued jobs in claim order, which queue positions are computed from.
    static let positionChecks: [Check] = [
        Check(name: "lists queued jobs in claim order, up to the limit, without running or finished ones") { store in
            try await store.insert(job("old", at: 1))
            try await store.insert(job("new", at: 2))
            try await store.insert(job("urgent", priority: 5, at: 3))
            let running = job("running", at: 0)
            try await store.insert(running)
            _ = try await store.claim(running.id, backend: "b", at: Date(timeIntervalSince1970: 4))
            let cancelled = job("cancelled", at: 0.5)
            try await store.insert(cancelled)
            _ = try await store.end(cancelled.id, from: .queued, with: .cancelled("test"), at: Date(timeIntervalSince1970: 5))
            #expect(try await store.queuedJobs(limit: 10).map(\.parameters.prompt) == ["urgent", "old", "new"])
            #expect(try await store.queuedJobs(limit: 2).map(\.parameters.prompt) == ["urgent", "old"])
            // The same order claims take.
            #expect(try await store.claimNext(backend: "b", at: Date(timeIntervalSince1970: 6))?.parameters.prompt == "urgent")
            #expect(try await store.queuedJobs(limit: 10).map(\.parameters.prompt) == ["old", "new"])
        },
    ]
}
