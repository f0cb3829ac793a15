/// The one error every `SDNextClient` call throws (besides `CancellationError` when the caller is cancelled).
///
/// A struct rather than an enum so new failure kinds can be added without breaking callers: match on
/// `code`, read `status`/`body` for what SD.Next actually said, show `message` to people.
public struct SDNextError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members (`error.code == .timeout`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case httpStatus, rateLimited, emptyImages, timeout, connection, decoding, invalidURL, responseTooLarge
        }

        private let kind: Kind

        private init(_ kind: Kind) {
            self.kind = kind
        }

        /// SD.Next answered with a status other than 2xx (`status` says which, `message` says why).
        public static let httpStatus = Code(.httpStatus)
        /// SD.Next answered 429: this client IP used up `server_rate_limit` on `path`. Retry later; the
        /// client's own pacing keeps this from happening unless other callers share the IP.
        public static let rateLimited = Code(.rateLimited)
        /// SD.Next answered 200 but returned no images: its way of reporting a failed generation
        /// (no model loaded, unknown checkpoint, out of memory, skipped).
        public static let emptyImages = Code(.emptyImages)
        /// No complete answer arrived within the configured timeout.
        public static let timeout = Code(.timeout)
        /// The server could not be reached, or the connection broke before a complete answer arrived.
        public static let connection = Code(.connection)
        /// The answer was not the JSON (or base64 image) it should have been.
        public static let decoding = Code(.decoding)
        /// The configured URL cannot be used.
        public static let invalidURL = Code(.invalidURL)
        /// The answer was larger than `SDNextConfiguration.maxResponseBytes`.
        public static let responseTooLarge = Code(.responseTooLarge)

        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// SD.Next's HTTP status, when an answer arrived.
    public let status: Int?
    /// SD.Next's raw response body, when one arrived (possibly truncated for very large bodies).
    public let body: String?
    /// A human-readable reason, taken from SD.Next's error body where it gave one.
    public let message: String
    /// The route the failed call went to, without its query (set for `.rateLimited`, which SD.Next counts per path).
    public let path: String?

    public init(code: Code, status: Int? = nil, body: String? = nil, message: String, path: String? = nil) {
        self.code = code
        self.status = status
        self.body = body
        self.message = message
        self.path = path
    }

    /// True when the same call may succeed if simply sent again later (rate limit, timeout, lost connection).
    public var isRetryable: Bool {
        code == .rateLimited || code == .timeout || code == .connection
    }

    public var description: String {
        if let status {
            return "SDNextError(\(code), HTTP \(status)): \(message)"
        }
        return "SDNextError(\(code)): \(message)"
    }
}
