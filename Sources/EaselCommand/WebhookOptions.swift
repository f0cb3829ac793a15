import ArgumentParser
import EaselCore
import EaselWebhooks
import Foundation

/// `easel serve`'s webhook flags.
struct WebhookOptions: ParsableArguments {
    @Option(name: .customLong("webhook"), help: "URL every job's events are posted to (beside each job's callback_url).")
    var url: String?

    @Option(name: .customLong("webhook-secret"), help: "Standard Webhooks signing secret, whsec_<base64>.")
    var secret: String?

    @Option(
        name: .customLong("webhook-events"),
        help: "Events to send, comma-separated: started, completed, failed, cancelled (default completed,failed,cancelled).")
    var events: String?

    @Option(name: .customLong("webhook-retry-window"), help: "How long a failing delivery is retried, in seconds.")
    var retryWindowSeconds = 24 * 3600

    func configuration() throws -> WebhookConfiguration {
        var configuration = WebhookConfiguration()
        if let url {
            guard WebhookConfiguration.isValidTarget(url) else { throw ValidationError("--webhook must be an http or https URL") }
            configuration.url = url
        }
        if let secret {
            do { configuration.secret = try WebhookSecret(secret) } catch { throw ValidationError("--webhook-secret: \(error)") }
        }
        if let events {
            configuration.events = Set(try events.split(separator: ",").map { name in
                guard let type = WebhookEventType(rawValue: "job." + name.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--webhook-events: \(name) is not one of started, completed, failed, cancelled")
                }
                return type
            })
        }
        guard retryWindowSeconds > 0 else { throw ValidationError("--webhook-retry-window must be positive") }
        configuration.retry.window = .seconds(retryWindowSeconds)
        return configuration
    }
}
