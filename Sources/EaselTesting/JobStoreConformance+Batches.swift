import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    static func batchJob(_ prompt: String, batch: BatchID, at seconds: Double) -> Job {
        Job(parameters: GenerationParameters(prompt: prompt), createdAt: Date(timeIntervalSince1970: seconds), batchID: batch)
    }

    static func claimOrder(_ store: any JobStore) async throws -> [String] {
        var order: [String] = []
        while let claimed = try await store.claimNext(backend: "b", at: Date()) { order.append(claimed.parameters.prompt ?? "") }
        return order
    }

    /// Batches (stored together, counted and paged by id) and the queue's order (priority changes and moves).
    static let batchChecks: [Check] = [
        Check(name: "a batch is stored with its id, counted by status and paged in submit order") { store in
            let batch = BatchID.make()
            let jobs = (0..<5).map { batchJob("b\($0)", batch: batch, at: 1_000 + Double($0)) }
            try await store.insertBatch(jobs)
            try await store.insert(job("alone", at: 1))
            #expect(try await store.job(jobs[0].id)?.batchID == batch)
            #expect(try await store.batchJobIDs(batch, limit: 2, offset: 1) == [jobs[1].id, jobs[2].id])
            _ = try await store.end(jobs[0].id, from: .queued, with: .cancelled("test"), at: Date())
            _ = try await store.claim(jobs[1].id, backend: "b", at: Date())
            let counts = try await store.batchCounts(batch)
            #expect(counts[.queued] == 3 && counts[.cancelled] == 1 && counts[.processing] == 1 && counts.total == 5)
            #expect(Set(try await store.activeBatchJobIDs(batch)) == Set(jobs[1...].map(\.id)))
            #expect(try await store.batchCounts(BatchID.make()).total == 0)
        },
        Check(name: "a batch that cannot be stored whole stores nothing") { store in
            let batch = BatchID.make()
            let first = batchJob("first", batch: batch, at: 1)
            let stored: Bool
            do {
                try await store.insertBatch([first, first])
                stored = true
            } catch {
                stored = false
            }
            let kept = try await store.job(first.id)
            #expect(!stored && kept == nil, "a batch holding one id twice is refused whole")
        },
        Check(name: "a new priority changes a queued job's turn, keeping its submit order among its peers") { store in
            let (a, b, c) = (job("a", at: 1), job("b", at: 2), job("c", priority: 3, at: 3))
            for queued in [a, b, c] { try await store.insert(queued) }
            guard case .changed(let raised) = try await store.setPriority(b.id, to: 3) else { Issue.record("not changed"); return }
            #expect(raised.priority == 3 && raised.createdAt == b.createdAt)
            #expect(try await claimOrder(store) == ["b", "c", "a"])
        },
        Check(name: "top takes the highest queued priority and goes first; bottom the lowest, last") { store in
            let jobs = [job("a", at: 1), job("b", at: 2), job("urgent", priority: 5, at: 3), job("low", priority: -2, at: 4)]
            for queued in jobs { try await store.insert(queued) }
            guard case .changed(let top) = try await store.move(jobs[1].id, to: .top) else { Issue.record("not moved"); return }
            #expect(top.priority == 5 && top.createdAt == jobs[1].createdAt)
            guard case .changed(let bottom) = try await store.move(jobs[2].id, to: .bottom) else { Issue.record("not moved"); return }
            #expect(bottom.priority == -2)
            #expect(try await claimOrder(store) == ["b", "a", "low", "urgent"])
        },
        Check(name: "before puts a job just ahead of another, taking its priority, again and again") { store in
            let jobs = (0..<4).map { job("j\($0)", at: Double($0)) } + [job("p", priority: 1, at: 9)]
            for queued in jobs { try await store.insert(queued) }
            for (moved, target) in [(3, 1), (2, 3), (4, 0)] {
                guard case .changed(let job) = try await store.move(jobs[moved].id, to: .before(jobs[target].id)) else {
                    Issue.record("j\(moved) not moved"); return
                }
                #expect(job.priority == 0)
            }
            #expect(try await claimOrder(store) == ["p", "j0", "j2", "j3", "j1"])
        },
        Check(name: "a move counts across models and LoRA sets: the queue heads carry the order key") { store in
            let alpha = JobRequirements(model: "alpha [1]"), beta = JobRequirements(model: "beta [2]")
            let jobs = [job("a1", needs: alpha, at: 1), job("a2", needs: alpha, at: 2), job("b1", needs: beta, at: 3)]
            for queued in jobs { try await store.insert(queued) }
            guard case .changed = try await store.move(jobs[2].id, to: .before(jobs[0].id)) else { Issue.record("not moved"); return }
            let heads = try await store.queueHeads(limit: 64, at: Date())
            #expect(heads.min(by: QueueHead.runsBefore)?.id == jobs[2].id)
            #expect(try await claimOrder(store) == ["b1", "a1", "a2"])
        },
        Check(name: "only a queued job moves; unknown jobs and targets are named") { store in
            let (running, queued) = (job("running", at: 1), job("queued", at: 2))
            try await store.insert(running)
            try await store.insert(queued)
            _ = try await store.claim(running.id, backend: "b", at: Date())
            #expect(try await store.move(running.id, to: .top) == .notQueued(running.id, .processing))
            #expect(try await store.setPriority(running.id, to: 4) == .notQueued(running.id, .processing))
            #expect(try await store.move(queued.id, to: .before(running.id)) == .notQueued(running.id, .processing))
            let ghost = JobID.make()
            #expect(try await store.move(ghost, to: .bottom) == .unknownJob(ghost))
            #expect(try await store.move(queued.id, to: .before(ghost)) == .unknownJob(ghost))
            #expect(try await store.setPriority(ghost, to: 1) == .unknownJob(ghost))
            #expect(try await store.job(queued.id)?.priority == 0)
        },
    ]
}
