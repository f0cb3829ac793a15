import Foundation

/// A submit's `Idempotency-Key` and a digest of what was sent with it, so a client can repeat a submit it is not
/// sure arrived (a timeout, a dropped connection) without queueing the job twice.
public struct IdempotencyKey: Sendable, Equatable {
    public var key: String
    /// A digest of the request (body and options): the same key sent with another request is refused.
    public var requestDigest: String

    public init(key: String, requestDigest: String) {
        self.key = key
        self.requestDigest = requestDigest
    }

    /// How long a key keeps its job: a repeat within this returns the same job.
    public static let lifetime: TimeInterval = 24 * 60 * 60

    /// The longest key taken (the IETF draft leaves the length open; UUIDs and ULIDs fit with room to spare).
    public static let maxLength = 255
}

/// What an insert under an idempotency key did.
public enum IdempotentInsert: Sendable, Equatable {
    /// The job was stored under the key.
    case inserted
    /// The key was used within its lifetime for the same request: the job it stored then.
    case existing(JobID)
    /// The key was used within its lifetime for another request.
    case conflict(JobID)
}
