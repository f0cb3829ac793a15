import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    static let listChecks: [Check] = [
        Check(name: "counts follow every change of status") { store in
            func counts() async throws -> [JobStatus: Int] {
                var counts: [JobStatus: Int] = [:]
                for status in JobStatus.allCases { counts[status] = try await store.count(of: status) }
                return counts
            }
            for index in 0..<4 { try await store.insert(job("\(index)", at: Double(index))) }
            #expect(try await counts() == [.queued: 4, .processing: 0, .completed: 0, .failed: 0, .cancelled: 0])
            let first = try #require(try await store.claimNext(backend: "b", at: Date()))
            let second = try #require(try await store.claimNext(backend: "b", at: Date()))
            _ = try await store.end(first.id, from: .processing, with: .completed(result), at: Date())
            _ = try await store.requeue(second.id)
            let third = try #require(try await store.claimNext(backend: "b", at: Date()))
            _ = try await store.end(third.id, from: .processing, with: .failed(JobFailure(.timeout, "slow")), at: Date())
            #expect(try await counts() == [.queued: 2, .processing: 0, .completed: 1, .failed: 1, .cancelled: 0])
            _ = try await store.deleteFinished(first.id)
            #expect(try await store.count(of: .completed) == 0)
        },
        Check(name: "lists active jobs, the most recently started first, up to the limit") { store in
            for index in 0..<5 { try await store.insert(job("q\(index)", at: Double(index))) }
            let started = try #require(try await store.claimNext(backend: "b", at: Date(timeIntervalSince1970: 100)))
            let done = try #require(try await store.claimNext(backend: "b", at: Date(timeIntervalSince1970: 101)))
            _ = try await store.end(done.id, from: .processing, with: .completed(result), at: Date())
            let active = try await store.activeJobs(limit: 10).map(\.parameters.prompt)
            #expect(active == [started.parameters.prompt, "q4", "q3", "q2"])
            #expect(try await store.activeJobs(limit: 2).map(\.parameters.prompt) == [started.parameters.prompt, "q4"])
        },
        Check(name: "pages completed jobs, newest first") { store in
            for index in 0..<5 {
                try await store.insert(job("c\(index)", at: Double(index)))
                let claimed = try #require(try await store.claimNext(backend: "b", at: Date()))
                _ = try await store.end(claimed.id, from: .processing, with: .completed(result), at: Date())
            }
            try await store.insert(job("still queued", at: 10))
            #expect(try await store.completedJobs(limit: 2, offset: 0, before: nil).map(\.parameters.prompt) == ["c4", "c3"])
            #expect(try await store.completedJobs(limit: 2, offset: 2, before: nil).map(\.parameters.prompt) == ["c2", "c1"])
            #expect(try await store.completedJobs(limit: 2, offset: 4, before: nil).map(\.parameters.prompt) == ["c0"])
        },
        Check(name: "pages completed jobs older than a given one, ties in insert order") { store in
            var ids: [JobID] = []
            for index in 0..<5 {
                // Two jobs share each creation time: the cursor must still neither skip nor repeat one.
                let queued = job("c\(index)", at: Double(index / 2))
                try await store.insert(queued)
                let claimed = try #require(try await store.claimNext(backend: "b", at: Date()))
                _ = try await store.end(claimed.id, from: .processing, with: .completed(result), at: Date())
                ids.append(queued.id)
            }
            let first = try await store.completedJobs(limit: 2, offset: 0, before: nil)
            #expect(first.map(\.parameters.prompt) == ["c4", "c3"])
            let second = try await store.completedJobs(limit: 2, offset: 0, before: first.last?.id)
            #expect(second.map(\.parameters.prompt) == ["c2", "c1"])
            let third = try await store.completedJobs(limit: 2, offset: 0, before: second.last?.id)
            #expect(third.map(\.parameters.prompt) == ["c0"])
            #expect(try await store.completedJobs(limit: 2, offset: 0, before: ids[0]).isEmpty)
        },
    ]
}
