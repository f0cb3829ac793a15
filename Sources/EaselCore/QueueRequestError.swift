/// Why a queue operation (submit, batch, cancel, reprioritize, move) was refused, the same over REST and the socket:
/// a stable code (the socket error's `code`, the REST body's `error_code`), a message, and the field at fault.
public struct QueueRequestError: Error, Sendable, Equatable {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A field is missing or wrong (`field` names it).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The batch holds more jobs than the server's `--max-batch-size`.
        public static let batchTooLarge = Code(rawValue: "batch_too_large")
        public static let unknownJob = Code(rawValue: "unknown_job")
        public static let unknownBatch = Code(rawValue: "unknown_batch")
        /// The job runs or has ended: only a queued job can be reordered.
        public static let jobNotQueued = Code(rawValue: "job_not_queued")
        /// A cancel named a batch and a job that is not one of its jobs.
        public static let jobNotInBatch = Code(rawValue: "job_not_in_batch")
    }

    public let code: Code
    public let message: String
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }
}
