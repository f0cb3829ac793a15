import Foundation

/// A batch's identity: the jobs submitted together by one `submit_batch` carry it, so they can be watched,
/// counted and cancelled as one. Same text rules as `JobID`.
public struct BatchID: Hashable, Sendable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A fresh random id, `batch_` and a lowercase UUID, so it is never mistaken for a job id.
    public static func make() -> BatchID { BatchID(rawValue: "batch_" + UUID().uuidString.lowercased()) }

    public init?(validating text: String) {
        guard JobID(validating: text) != nil else { return nil }
        rawValue = text
    }

    /// Encoded as the bare string (the standard library's Codable for a String raw value).
    public var description: String { rawValue }
}

/// How many of a batch's jobs are in each status: what its progress is computed from, read from the store after a
/// restart (one indexed count per batch).
public struct BatchCounts: Sendable, Equatable {
    public var byStatus: [JobStatus: Int]

    public init(_ byStatus: [JobStatus: Int] = [:]) { self.byStatus = byStatus.filter { $0.value > 0 } }

    public subscript(_ status: JobStatus) -> Int { byStatus[status] ?? 0 }
    public var total: Int { byStatus.values.reduce(0, +) }
    /// Jobs that ended, however they ended.
    public var ended: Int { self[.completed] + self[.failed] + self[.cancelled] }
}

/// Where `move` puts a queued job in claim order. A job's place is its priority and its queue order key (claim
/// order is priority high to low, then the key low to high; the key starts as the submit time).
public enum QueuePlace: Sendable, Equatable {
    /// First in line: the job takes the highest priority among the queued jobs and goes before the first of them.
    case top
    /// Last in line: the job takes the lowest priority among the queued jobs and goes after the last of them.
    case bottom
    /// Just before another queued job: the job takes its priority and goes between it and the job before it.
    case before(JobID)
}

/// What a change to a queued job's place or priority did. Only queued jobs are changed, in one conditional write.
public enum QueueEdit: Sendable, Equatable {
    case changed(Job)
    case unknownJob(JobID)
    /// The job (or the `before` target, named here) is not queued: it runs or has ended.
    case notQueued(JobID, JobStatus)
}
