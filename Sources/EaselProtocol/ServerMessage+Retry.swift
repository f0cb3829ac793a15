import EaselCore
import Foundation

/// The keys a `progress_update` with status `retrying` adds to its `data`: which attempt failed and why, how many the
/// job may have, and when the next one starts (`retry_in_seconds` counted from the message's `timestamp`). The failure's
/// message is the update's own `error_message`.
struct RetryFields: Codable {
    let attempt: Int
    let maxAttempts: Int
    let errorCode: String
    let errorMessage: String
    let retryAt: String
    let retryInSeconds: Double

    enum CodingKeys: String, CodingKey {
        case attempt
        case maxAttempts = "max_attempts"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case retryAt = "retry_at"
        case retryInSeconds = "retry_in_seconds"
    }

    init(_ notice: RetryNotice, at timestamp: Date) {
        attempt = notice.attempt
        maxAttempts = notice.maxAttempts
        errorCode = notice.failure.code.rawValue
        errorMessage = notice.failure.message
        retryAt = WireTimestamp.string(from: notice.retryAt)
        retryInSeconds = (max(notice.retryAt.timeIntervalSince(timestamp), 0) * 1000).rounded() / 1000
    }

    func encode(to encoder: any Encoder) throws {
        var data = encoder.container(keyedBy: CodingKeys.self)
        try data.encode(attempt, forKey: .attempt)
        try data.encode(maxAttempts, forKey: .maxAttempts)
        try data.encode(errorCode, forKey: .errorCode)
        try data.encode(retryAt, forKey: .retryAt)
        try data.encode(retryInSeconds, forKey: .retryInSeconds)
    }

    /// The notice a decoded update carries, when its fields say what it was.
    var notice: RetryNotice? {
        guard let date = WireTimestamp.date(from: retryAt) else { return nil }
        return RetryNotice(
            attempt: attempt, maxAttempts: maxAttempts, failure: JobFailure(JobFailure.Code(rawValue: errorCode), errorMessage),
            retryAt: date)
    }

    /// The retry fields of a `progress_update` frame, nil when it is not `retrying`.
    static func decode(fromFrame data: Data) -> RetryNotice? {
        struct Frame: Decodable { let data: RetryFields }
        return (try? JSONDecoder().decode(Frame.self, from: data))?.data.notice
    }
}
