import Foundation
import EaselCore

/// `easel serve`'s webhook settings: where every job's events go, which events, how they are signed and retried.
public struct WebhookConfiguration: Sendable {
    /// The server-wide target (`--webhook`), beside each job's `callback_url`. Default none.
    public var url: String?
    /// Signs every delivery when set (`--webhook-secret`); unsigned otherwise.
    public var secret: WebhookSecret?
    /// The events sent (`--webhook-events`). Default the endings: completed, failed, cancelled.
    public var events = WebhookEventType.endings
    public var retry = WebhookRetryPolicy()
    /// How often the outbox is read for due deliveries. Default 1 s.
    public var pollInterval: Duration = .seconds(1)
    /// How long one attempt may take. Default 10 s.
    public var timeout: Duration = .seconds(10)
    /// Deliveries sent per poll, at most (concurrently).
    public var batchSize = 16

    public init() {}

    /// Only http and https URLs with a host are targets.
    public static func isValidTarget(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}
