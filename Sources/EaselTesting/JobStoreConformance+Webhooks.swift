import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    static func message(_ type: WebhookEventType = .completed, serverURLs: [String] = ["http://server.test/hook"]) -> WebhookMessage {
        WebhookMessage(type: type, payload: Data(#"{"type":"\#(type.rawValue)"}"#.utf8), serverURLs: serverURLs)
    }

    static let webhookChecks: [Check] = [
        Check(name: "keeps a job's callback URL") { store in
            var queued = job("a", at: 1)
            queued.callbackURL = "https://example.test/hook"
            try await store.insert(queued)
            #expect(try await store.job(queued.id) == queued)
        },
        Check(name: "writes a webhook delivery per target with the job's ending, and none for a refused ending") { store in
            var queued = job("a", at: 1)
            queued.callbackURL = "https://example.test/hook"
            try await store.insert(queued)
            let ended = Date(timeIntervalSince1970: 100)
            #expect(try await store.end(queued.id, from: .processing, with: .completed(result), at: ended, webhook: message()) == nil)
            #expect(try await store.webhookDeliveries(of: queued.id).isEmpty)
            _ = try #require(try await store.end(queued.id, from: .queued, with: .cancelled("no"), at: ended, webhook: message(.cancelled)))
            let deliveries = try await store.webhookDeliveries(of: queued.id)
            #expect(deliveries.map(\.url) == ["https://example.test/hook", "http://server.test/hook"])
            #expect(Set(deliveries.map(\.id)).count == 2)
            for delivery in deliveries {
                #expect(delivery.type == .cancelled && delivery.attempts == 0 && delivery.nextAttemptAt == ended)
                #expect(delivery.createdAt == ended && delivery.payload == message(.cancelled).payload)
                #expect(delivery.deliveredAt == nil && delivery.gaveUpAt == nil && delivery.lastStatus == nil)
            }
        },
        Check(name: "writes a started event's deliveries with the claim, and none for a refused claim") { store in
            var queued = job("a", at: 1)
            queued.callbackURL = "https://example.test/hook"
            try await store.insert(queued)
            let claimedAt = Date(timeIntervalSince1970: 50)
            _ = try #require(try await store.claim(queued.id, backend: "b", at: claimedAt, webhook: message(.started, serverURLs: [])))
            #expect(try await store.claim(queued.id, backend: "c", at: claimedAt, webhook: message(.started, serverURLs: [])) == nil)
            let deliveries = try await store.webhookDeliveries(of: queued.id)
            #expect(deliveries.map(\.url) == ["https://example.test/hook"] && deliveries.first?.type == .started)
            #expect(deliveries.first?.nextAttemptAt == claimedAt)
        },
        Check(name: "leases due webhook deliveries soonest first, up to the limit, until the lease ends") { store in
            var ids: [JobID] = []
            for second in [30.0, 10, 20] {
                let queued = job("a", at: second)
                try await store.insert(queued)
                _ = try await store.end(
                    queued.id, from: .queued, with: .cancelled("no"), at: Date(timeIntervalSince1970: second), webhook: message())
                ids.append(queued.id)
            }
            func lease(at seconds: Double, limit: Int = 10) async throws -> [JobID] {
                try await store.leaseDueWebhookDeliveries(
                    at: Date(timeIntervalSince1970: seconds), until: Date(timeIntervalSince1970: seconds + 100), limit: limit
                ).map(\.jobID)
            }
            #expect(try await lease(at: 5).isEmpty)
            #expect(try await lease(at: 25, limit: 1) == [ids[1]])
            #expect(try await lease(at: 25) == [ids[2]])
            #expect(try await lease(at: 99) == [ids[0]])
            #expect(try await lease(at: 124).isEmpty)
            #expect(try await lease(at: 125) == [ids[1], ids[2]])
            let held = try #require(try await store.webhookDeliveries(of: ids[1]).first)
            #expect(held.nextAttemptAt == Date(timeIntervalSince1970: 225) && held.attempts == 0)
        },
        Check(name: "records webhook attempts: a retry reschedules, delivered and given up leave the due list") { store in
            var jobs: [JobID] = []
            for second in [1.0, 2] {
                let queued = job("a", at: second)
                try await store.insert(queued)
                _ = try await store.end(
                    queued.id, from: .queued, with: .cancelled("no"), at: Date(timeIntervalSince1970: second), webhook: message())
                jobs.append(queued.id)
            }
            let now = Date(timeIntervalSince1970: 10)
            let first = try #require(try await store.webhookDeliveries(of: jobs[0]).first)
            let second = try #require(try await store.webhookDeliveries(of: jobs[1]).first)
            let later = Date(timeIntervalSince1970: 50)
            try await store.recordWebhookAttempt(first.id, WebhookAttempt(at: now, status: 500, error: "HTTP 500", next: .retry(at: later)))
            #expect(try await store.leaseDueWebhookDeliveries(at: now, until: now, limit: 10).map(\.id) == [second.id])
            let retried = try #require(try await store.webhookDeliveries(of: jobs[0]).first)
            #expect(retried.attempts == 1 && retried.lastStatus == 500 && retried.lastError == "HTTP 500" && retried.nextAttemptAt == later)
            try await store.recordWebhookAttempt(second.id, WebhookAttempt(at: now, status: nil, error: "refused", next: .giveUp))
            try await store.recordWebhookAttempt(first.id, WebhookAttempt(at: later, status: 204, error: nil, next: .delivered))
            let end = Date(timeIntervalSince1970: 1_000)
            #expect(try await store.leaseDueWebhookDeliveries(at: end, until: end, limit: 10).isEmpty)
            let delivered = try #require(try await store.webhookDeliveries(of: jobs[0]).first)
            #expect(delivered.attempts == 2 && delivered.deliveredAt == later && delivered.lastStatus == 204 && delivered.lastError == nil)
            #expect(delivered.nextAttemptAt == nil)
            let abandoned = try #require(try await store.webhookDeliveries(of: jobs[1]).first)
            #expect(abandoned.gaveUpAt == now && abandoned.deliveredAt == nil && abandoned.lastError == "refused" && abandoned.attempts == 1)
        },
    ]
}
