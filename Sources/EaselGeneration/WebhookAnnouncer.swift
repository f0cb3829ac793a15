import DynamicJSON
import EaselCore
import Foundation

/// Builds the webhook event a job's ending announces, for the store to write in the same transaction as the ending.
/// Images are always their URLs (whatever the job's return format): a webhook body stays small.
public struct WebhookAnnouncer: Sendable {
    /// The server-wide targets.
    let serverURLs: [String]
    let events: Set<WebhookEventType>
    let imageURL: @Sendable (JobID, Int) -> String

    public init(serverURLs: [String], events: Set<WebhookEventType>, imageURL: @escaping @Sendable (JobID, Int) -> String) {
        self.serverURLs = serverURLs
        self.events = events
        self.imageURL = imageURL
    }

    /// Announces nothing (no events chosen): jobs' callback URLs are then ignored too.
    public static let none = WebhookAnnouncer(serverURLs: [], events: [], imageURL: { _, _ in "" })

    /// The event for `id` ending with `outcome` at `date`, or nil when that event is not sent.
    func message(for id: JobID, outcome: JobOutcome, at date: Date) -> WebhookMessage? {
        let images = (outcome.result?.images ?? []).indices.map { JSONValue.string(imageURL(id, $0)) }
        return message(WebhookEventType(outcome.status), at: date, data: [
            "job_id": .string(id.rawValue),
            "status": .string(outcome.status.rawValue),
            "error_code": outcome.failure.map { .string($0.code.rawValue) } ?? .null,
            "error_message": outcome.failure.map { .string($0.message) } ?? .null,
            "images": .array(images),
            "generation_info": outcome.result?.generationInfo ?? .null,
        ])
    }

    /// The `job.started` event of `id` claimed by `backend`, or nil when it is not sent.
    func started(_ id: JobID, backend: String, at date: Date) -> WebhookMessage? {
        message(.started, at: date, data: [
            "job_id": .string(id.rawValue), "status": .string(JobStatus.processing.rawValue), "backend_url": .string(backend),
        ])
    }

    private func message(_ type: WebhookEventType, at date: Date, data: [String: JSONValue]) -> WebhookMessage? {
        guard events.contains(type) else { return nil }
        let body: JSONValue = .object([
            "type": .string(type.rawValue),
            "timestamp": .string(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))),
            "data": .object(data),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let payload = try? encoder.encode(body) else { return nil }
        return WebhookMessage(type: type, payload: payload, serverURLs: serverURLs)
    }
}
