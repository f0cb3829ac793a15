import DynamicJSON
import EaselCore
import Foundation

/// The reply to a queue request, echoing its `request_id`.
public struct QueueReply: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// `submitted`: the job queued.
        case submitted(JobID)
        /// `batch_submitted`: every job of the batch queued, in the order given.
        case batchSubmitted(BatchID, [JobID])
        /// `cancel_result`: queued jobs cancelled, running jobs being interrupted.
        case cancelled(cancelled: [JobID], cancelling: [JobID])
        /// `reprioritized`: the jobs now have `priority`.
        case reprioritized([JobID], priority: Int)
        /// `moved`: the job's new priority (a move takes the priority of its place).
        case moved(JobID, priority: Int)
    }

    public var requestID: String?
    public var outcome: Outcome

    public init(requestID: String?, _ outcome: Outcome) {
        self.requestID = requestID
        self.outcome = outcome
    }

    var type: String {
        switch outcome {
        case .submitted: "submitted"
        case .batchSubmitted: "batch_submitted"
        case .cancelled: "cancel_result"
        case .reprioritized: "reprioritized"
        case .moved: "moved"
        }
    }

    var fields: [String: JSONValue] {
        func ids(_ jobIDs: [JobID]) -> JSONValue { .array(jobIDs.map { .string($0.rawValue) }) }
        var fields: [String: JSONValue]
        switch outcome {
        case .submitted(let id):
            fields = ["job_id": .string(id.rawValue)]
        case .batchSubmitted(let batch, let jobIDs):
            fields = ["batch_id": .string(batch.rawValue), "job_ids": ids(jobIDs)]
        case .cancelled(let cancelled, let cancelling):
            fields = ["cancelled": ids(cancelled), "cancelling": ids(cancelling)]
        case .reprioritized(let jobIDs, let priority):
            fields = ["job_ids": ids(jobIDs), "priority": .number(Double(priority))]
        case .moved(let id, let priority):
            fields = ["job_id": .string(id.rawValue), "priority": .number(Double(priority))]
        }
        fields["request_id"] = requestID.map(JSONValue.string) ?? .null
        return fields
    }
}

/// A batch's state for `batch_progress` (while jobs are left) and `batch_complete` (once, when every job ended).
public struct BatchReport: Sendable, Equatable {
    public var batchID: BatchID
    public var done: Int
    public var failed: Int
    public var cancelled: Int
    public var total: Int
    /// Ended jobs plus the running jobs' fractions, over `total`: 0…1.
    public var progress: Double
    public var etaSeconds: Double?
    public var isComplete: Bool

    public init(
        batchID: BatchID, done: Int, failed: Int, cancelled: Int, total: Int, progress: Double, etaSeconds: Double?,
        isComplete: Bool
    ) {
        self.batchID = batchID
        self.done = done
        self.failed = failed
        self.cancelled = cancelled
        self.total = total
        self.progress = progress
        self.etaSeconds = etaSeconds
        self.isComplete = isComplete
    }

    var type: String { isComplete ? "batch_complete" : "batch_progress" }

    var fields: [String: JSONValue] {
        [
            "batch_id": .string(batchID.rawValue), "done": .number(Double(done)), "failed": .number(Double(failed)),
            "cancelled": .number(Double(cancelled)), "total": .number(Double(total)),
            "progress": .number((progress * 10_000).rounded() / 10_000),
            "eta_seconds": etaSeconds.map { .number(($0 * 10).rounded() / 10) } ?? .null,
        ]
    }
}
