import AsyncHTTPClient
import EaselCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Sends the outbox's due deliveries and records each attempt in the store, so that a restart picks up where the
/// last run stopped: at start it finds every delivery still due, whatever the previous process had done with it.
/// Each batch is leased in the store, so two processes on one store do not send the same delivery twice. A delivery
/// is at least once: a receiver that answered 2xx but whose answer was lost gets it again (same `webhook-id`).
public struct WebhookSender: Service {
    let store: any JobStore
    let configuration: WebhookConfiguration
    let httpClient: HTTPClient
    let logger: Logger

    public init(store: any JobStore, configuration: WebhookConfiguration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                // A full batch means more may be due: read again at once.
                if try await sendDue() == configuration.batchSize { continue }
            } catch {
                logger.error("webhook outbox unreadable", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: configuration.pollInterval) }
        }
    }

    /// Sends what is due now, concurrently; returns how many.
    func sendDue() async throws -> Int {
        let now = Date()
        // Held for twice an attempt's timeout: past it, a stopped process's deliveries are due again.
        let leaseEnd = now.addingTimeInterval(2 * Double(configuration.timeout.nanoseconds) / 1e9)
        let due = try await store.leaseDueWebhookDeliveries(at: now, until: leaseEnd, limit: configuration.batchSize)
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await attempt(delivery) } }
        }
        return due.count
    }

    private func attempt(_ delivery: WebhookDelivery) async {
        let (status, error) = await send(delivery)
        let now = Date()
        let next: WebhookAttempt.Next
        if let status, (200..<300).contains(status) {
            next = .delivered
        } else if let retry = configuration.retry.nextAttempt(after: delivery.attempts + 1, createdAt: delivery.createdAt, now: now) {
            next = .retry(at: retry)
        } else {
            next = .giveUp
            logger.warning("webhook given up", metadata: ["url": "\(delivery.url)", "job": "\(delivery.jobID.rawValue)"])
        }
        do {
            try await store.recordWebhookAttempt(delivery.id, WebhookAttempt(at: now, status: status, error: error, next: next))
        } catch {
            logger.error("webhook attempt not recorded", metadata: ["id": "\(delivery.id)", "error": "\(error)"])
        }
    }

    /// One POST: the HTTP status, or nil and why there was none; an error status comes with its reason too.
    private func send(_ delivery: WebhookDelivery) async -> (status: Int?, error: String?) {
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        let timestamp = Int(Date().timeIntervalSince1970)
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Easel-Webhooks")
        request.headers.add(name: "webhook-id", value: delivery.id)
        request.headers.add(name: "webhook-timestamp", value: "\(timestamp)")
        if let secret = configuration.secret {
            request.headers.add(
                name: "webhook-signature", value: secret.signature(id: delivery.id, timestamp: timestamp, body: delivery.payload))
        }
        request.body = .bytes(ByteBuffer(bytes: delivery.payload))
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(configuration.timeout.nanoseconds))
            _ = try? await response.body.collect(upTo: 64 << 10)
            let status = Int(response.status.code)
            return (status, (200..<300).contains(status) ? nil : "HTTP \(status) \(response.status.reasonPhrase)")
        } catch {
            return (nil, "\(error)")
        }
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
