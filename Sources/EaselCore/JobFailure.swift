/// Why a job did not complete, as a stable code a program can branch on and a message a person can read.
/// Codes never change meaning once shipped; docs/PROTOCOL.md lists them.
public struct JobFailure: Sendable, Equatable, Error {
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// SD.Next answered with an error status (a 5xx, or a 4xx not covered below).
        public static let sdnextError = Code(rawValue: "sdnext_error")
        /// SD.Next answered 200 with no images (no model loaded, out of memory, the generation was skipped).
        public static let noImages = Code(rawValue: "no_images")
        /// SD.Next gave no complete answer in time.
        public static let timeout = Code(rawValue: "timeout")
        /// The backend became unreachable while running the job, on its last attempt.
        public static let backendLost = Code(rawValue: "backend_lost")
        /// SD.Next refused the request under its rate limit.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// SD.Next rejected the request's parameters (400 or 422).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// SD.Next's answer could not be read (malformed JSON or image, or larger than allowed).
        public static let invalidResponse = Code(rawValue: "invalid_response")
        /// Easel could not write the job's images.
        public static let storageError = Code(rawValue: "storage_error")
        /// Easel stopped while the job ran, on its last attempt.
        public static let serverStopped = Code(rawValue: "server_stopped")
        /// Someone cancelled the job.
        public static let cancelled = Code(rawValue: "cancelled")
        /// No backend of the pool has the job's checkpoint or LoRAs (any more): it was accepted while an inventory was
        /// unknown, or its model went away.
        public static let modelUnavailable = Code(rawValue: "model_unavailable")
        /// Anything else; the message says what.
        public static let internalError = Code(rawValue: "internal_error")

        /// Every code Easel sets.
        public static let all: [Code] = [
            .sdnextError, .noImages, .timeout, .backendLost, .rateLimited, .invalidRequest, .invalidResponse,
            .storageError, .serverStopped, .cancelled, .modelUnavailable, .internalError,
        ]

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// How a job ended: the one value every ending is written, published and counted from.
public enum JobOutcome: Sendable, Equatable {
    case completed(JobResult)
    case failed(JobFailure)
    case cancelled(String)

    public var status: JobStatus {
        switch self {
        case .completed: .completed
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }

    /// The code and message a job that did not complete carries.
    public var failure: JobFailure? {
        switch self {
        case .completed: nil
        case .failed(let failure): failure
        case .cancelled(let reason): JobFailure(.cancelled, reason)
        }
    }

    public var result: JobResult? {
        if case .completed(let result) = self { return result }
        return nil
    }
}
