import Foundation

/// The job events a webhook can announce, named as their payload's `type`.
public enum WebhookEventType: String, Sendable, Codable, CaseIterable {
    /// A backend started the job (each attempt, a retry too). Sent only when asked for.
    case started = "job.started"
    case completed = "job.completed"
    case failed = "job.failed"
    case cancelled = "job.cancelled"

    /// What is sent unless `--webhook-events` says otherwise: the endings.
    public static let endings: Set<WebhookEventType> = [.completed, .failed, .cancelled]

    /// The event a job's ending announces.
    public init(_ status: JobStatus) {
        switch status {
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        default: self = .completed
        }
    }
}

/// An event to put in the webhook outbox together with the job change it announces, so the store writes both in one
/// transaction and a stop between the two cannot lose it. The store adds one delivery per target: the job's own
/// `callbackURL` and each of `serverURLs`.
public struct WebhookMessage: Sendable, Equatable {
    public var type: WebhookEventType
    /// The request body, sent byte for byte on every attempt so that each attempt's signature covers the same bytes.
    public var payload: Data
    /// The server-wide targets (`easel serve --webhook`), beside the job's own.
    public var serverURLs: [String]

    public init(type: WebhookEventType, payload: Data, serverURLs: [String]) {
        self.type = type
        self.payload = payload
        self.serverURLs = serverURLs
    }
}

/// One event on its way to one URL: an outbox row, with what its attempts so far found.
public struct WebhookDelivery: Sendable, Equatable {
    /// The `webhook-id` header: the same on every attempt, so a receiver can drop repeats.
    public var id: String
    public var jobID: JobID
    public var url: String
    public var type: WebhookEventType
    public var payload: Data
    public var createdAt: Date
    public var attempts: Int
    /// When the next attempt is due; nil once it was delivered or given up.
    public var nextAttemptAt: Date?
    public var deliveredAt: Date?
    public var gaveUpAt: Date?
    /// The HTTP status of the last attempt (nil when it got no answer).
    public var lastStatus: Int?
    public var lastError: String?

    public init(
        id: String, jobID: JobID, url: String, type: WebhookEventType, payload: Data, createdAt: Date, attempts: Int = 0,
        nextAttemptAt: Date?, deliveredAt: Date? = nil, gaveUpAt: Date? = nil, lastStatus: Int? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.jobID = jobID
        self.url = url
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.gaveUpAt = gaveUpAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }

    /// A new delivery id: `msg_` and a random UUID, as the Standard Webhooks examples name theirs.
    public static func makeID() -> String { "msg_" + UUID().uuidString.lowercased() }
}

/// What one attempt to send a delivery found, and what happens next.
public struct WebhookAttempt: Sendable, Equatable {
    public enum Next: Sendable, Equatable {
        case delivered
        case retry(at: Date)
        case giveUp
    }

    public var at: Date
    public var status: Int?
    public var error: String?
    public var next: Next

    public init(at: Date, status: Int?, error: String?, next: Next) {
        self.at = at
        self.status = status
        self.error = error
        self.next = next
    }
}
