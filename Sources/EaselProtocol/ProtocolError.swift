/// A complaint about something a client sent. The server answers with an `error` message and keeps the
/// connection open (the origin silently ignored bad input, or dropped the connection).
public struct ProtocolError: Error, Sendable, Equatable {
    /// Machine-readable reason, sent as `data.code`.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The frame is not JSON.
        public static let invalidJSON = Code(rawValue: "invalid_json")
        /// The JSON is not an object with a string `type`.
        public static let invalidMessage = Code(rawValue: "invalid_message")
        /// `type` names no message the server knows.
        public static let unknownType = Code(rawValue: "unknown_type")
        /// `job_ids` is not null or a list of job id strings.
        public static let invalidJobIDs = Code(rawValue: "invalid_job_ids")
        /// Some subscribed ids name no job the server knows; they stay subscribed in case a job appears.
        public static let unknownJobs = Code(rawValue: "unknown_jobs")
        /// `since` or `epoch` of a resuming subscribe is malformed.
        public static let invalidSince = Code(rawValue: "invalid_since")
        /// The connection holds as many per-job subscriptions as it may.
        public static let tooManySubscriptions = Code(rawValue: "too_many_subscriptions")
        /// The connection sends messages faster than allowed; this one was not processed.
        public static let rateLimited = Code(rawValue: "rate_limited")
        /// A binary frame; the protocol is JSON text.
        public static let unsupportedFrame = Code(rawValue: "unsupported_frame")
        /// A queue request's field is missing or wrong; the message names it. (A refused queue operation carries
        /// its `QueueRequestError` code: `unknown_job`, `job_not_queued`, `batch_too_large` …)
        public static let invalidRequest = Code(rawValue: "invalid_request")
    }

    public let code: Code
    public let message: String
    /// The `type` of the request this answers, when it had one.
    public let requestType: String?
    /// The `request_id` of the queue request this answers, when it gave one.
    public let requestID: String?

    public init(_ code: Code, _ message: String, requestType: String? = nil, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.requestType = requestType
        self.requestID = requestID
    }
}
