import DynamicJSON
import EaselCore

/// What the socket's queue requests do, injected by the server (which owns the REST body parser and the
/// generation service), so one implementation answers REST and socket alike. Refusals are `QueueRequestError`s.
public protocol QueueOperations: Sendable {
    /// Queues the job of a `submit` message's fields.
    func submit(_ fields: [String: JSONValue]) async throws -> JobID
    /// Queues a batch under `batchID` (given by the caller, so it can follow the batch before its jobs are announced).
    func submitBatch(_ fields: [String: JSONValue], as batchID: BatchID) async throws -> [JobID]
    func cancel(jobIDs: [JobID], batchID: BatchID?) async throws -> (cancelled: [JobID], cancelling: [JobID])
    func reprioritize(_ ids: [JobID], to priority: Int) async throws -> [JobID]
    /// Returns the job's priority after the move.
    func move(_ id: JobID, to place: QueuePlace) async throws -> Int
    /// The batch's jobs and counts, to follow it (a subscribe with `batch_ids`); nil when no job carries the id.
    func batch(_ id: BatchID) async throws -> (jobIDs: [JobID], counts: BatchCounts)?
}
