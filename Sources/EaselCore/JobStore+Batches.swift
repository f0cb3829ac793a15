import Foundation

/// Batches and the queue's order, as every store keeps them.
public protocol BatchJobStore: Sendable {
    /// Inserts every job of a batch in one transaction: all of them or none.
    func insertBatch(_ jobs: [Job]) async throws

    /// How many of the batch's jobs are in each status; empty counts when no job carries the id.
    func batchCounts(_ id: BatchID) async throws -> BatchCounts

    /// The batch's job ids in submit order, a page at a time.
    func batchJobIDs(_ id: BatchID, limit: Int, offset: Int) async throws -> [JobID]

    /// The batch's jobs still queued or processing (what a batch cancel acts on).
    func activeBatchJobIDs(_ id: BatchID) async throws -> [JobID]

    /// Gives a queued job another priority; its queue order key stays, so it sits among that priority's jobs by it.
    func setPriority(_ id: JobID, to priority: Int) async throws -> QueueEdit

    /// Moves a queued job to `place` (see `QueuePlace`).
    func move(_ id: JobID, to place: QueuePlace) async throws -> QueueEdit
}
