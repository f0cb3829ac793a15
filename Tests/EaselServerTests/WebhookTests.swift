import Crypto
import DynamicJSON
import EaselServer
import EaselTesting
import EaselWebhooks
import Foundation
import SDNextEmulator
import Testing

/// Webhooks reach a receiver that was down, signed per Standard Webhooks, from the store's outbox: retried until it
/// answers, and after a restart of the hub.
@Suite(.timeLimit(.minutes(2))) struct WebhookTests {
    let secretBytes = Data((0..<24).map { _ in UInt8.random(in: 0...255) })
    var secret: String { "whsec_" + secretBytes.base64EncodedString() }

    /// Fast retries, so that the receiver's recovery is seen within the test.
    func configure(_ configuration: inout EaselConfiguration, serverURL: String? = nil) {
        configuration.webhooks.secret = try? WebhookSecret(secret)
        configuration.webhooks.url = serverURL
        configuration.webhooks.pollInterval = .milliseconds(20)
        configuration.webhooks.retry.initialDelay = .milliseconds(40)
        configuration.webhooks.retry.maximumDelay = .milliseconds(200)
    }

    /// Checks the Standard Webhooks headers with swift-crypto, as a receiver would, and returns the body.
    func verified(_ request: WebhookReceiver.Request) throws -> JSONValue {
        let id = try #require(request.header("webhook-id"))
        let timestamp = try #require(request.header("webhook-timestamp").flatMap(Int.init))
        #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
        let signature = try #require(request.header("webhook-signature"))
        #expect(signature.hasPrefix("v1,"))
        let mac = try #require(Data(base64Encoded: String(signature.dropFirst(3))))
        let signed = Data("\(id).\(timestamp).".utf8) + request.body
        #expect(HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: SymmetricKey(data: secretBytes)))
        return try JSONDecoder().decode(JSONValue.self, from: request.body)
    }

    func webhook(of job: String, on hub: TestHub) async throws -> JSONValue? {
        try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]?["webhook"]
    }

    @Test func aReceiverThatIsDownGetsTheEventLaterWithAValidSignature() async throws {
        try await withWebhookReceiver { receiver in
            try await withEmulators(count: 1) { emulators in
                try await withHub(backends: emulators.map(\.baseURL), configure: { configure(&$0) }) { hub in
                    let job = try await hub.queue(
                        #"{"prompt":"hook","steps":2,"width":64,"height":64,"callback_url":"\#(receiver.url)"}"#)
                    try await waitUntil("two refused attempts", within: 30) { await receiver.attempts.count >= 2 }
                    let failing = try #require(try await webhook(of: job, on: hub))
                    #expect(failing["url"]?.string == receiver.url && failing["last_status"]?.double == 500)
                    #expect(failing["delivered_at"]?.isNull == true && failing["next_attempt_at"]?.string != nil)
                    await receiver.setUp(true)
                    try await waitUntil("the event", within: 30) { await receiver.delivered.count == 1 }
                    let request = try #require(await receiver.delivered.first)
                    let event = try verified(request)
                    #expect(event["type"]?.string == "job.completed" && event["timestamp"]?.string != nil)
                    #expect(event["data"]?["job_id"]?.string == job && event["data"]?["status"]?.string == "completed")
                    #expect(event["data"]?["images"]?.array?.first?.string == "/api/v1/generation/results/\(job)/images/0")
                    #expect(event["data"]?["error_code"]?.isNull == true && event["data"]?["generation_info"]?["seed"] != nil)
                    // Every attempt is the same message: one id, the same bytes.
                    let attempts = await receiver.attempts
                    #expect(Set(attempts.compactMap { $0.header("webhook-id") }).count == 1)
                    #expect(attempts.allSatisfy { $0.body == request.body })
                    try await waitUntil("the delivery recorded", within: 30) {
                        try await webhook(of: job, on: hub)?["delivered_at"]?.string != nil
                    }
                    let delivered = try #require(try await webhook(of: job, on: hub))
                    #expect(delivered["attempts"]?.double == Double(attempts.count) && delivered["last_status"]?.double == 200)
                    #expect(delivered["last_error"]?.isNull == true && delivered["next_attempt_at"]?.isNull == true)
                    #expect(await receiver.delivered.count == 1)
                }
            }
        }
    }

    @Test func startedIsSentWhenAskedFor() async throws {
        try await withWebhookReceiver { receiver in
            await receiver.setUp(true)
            try await withEmulators(count: 1) { emulators in
                try await withHub(backends: emulators.map(\.baseURL), configure: {
                    configure(&$0)
                    $0.webhooks.events = [.started, .completed]
                }) { hub in
                    let job = try await hub.queue(
                        #"{"prompt":"hook","steps":2,"width":64,"height":64,"callback_url":"\#(receiver.url)"}"#)
                    try await waitUntil("both events", within: 30) { await receiver.delivered.count == 2 }
                    let events = try await receiver.delivered.map(verified)
                    #expect(Set(events.compactMap { $0["type"]?.string }) == ["job.started", "job.completed"])
                    let started = try #require(events.first { $0["type"]?.string == "job.started" })
                    #expect(started["data"]?["job_id"]?.string == job && started["data"]?["status"]?.string == "processing")
                    #expect(started["data"]?["backend_url"]?.string == emulators[0].baseURL)
                }
            }
        }
    }

    @Test func anUndeliveredEventIsSentAfterARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-webhook-\(UUID().uuidString)")
        try await withWebhookReceiver { receiver in
            let job = try await withEmulators(count: 1) { emulators in
                var faults = FaultSettings()
                faults.serverError = true
                await emulators[0].controls.setFaults(faults)
                return try await withHub(
                    backends: emulators.map(\.baseURL), dataDirectory: folder,
                    configure: { configure(&$0, serverURL: receiver.url) }
                ) { hub in
                    let job = try await hub.queue(#"{"prompt":"fails","steps":2,"width":64,"height":64}"#)
                    try await waitUntil("a refused attempt recorded", within: 30) {
                        try await webhook(of: job, on: hub)?["last_status"]?.double == 500
                    }
                    return job
                }
            }
            let refusedIDs = Set(await receiver.attempts.compactMap { $0.header("webhook-id") })
            await receiver.setUp(true)
            try await withEmulators(count: 1) { emulators in
                try await withHub(
                    backends: emulators.map(\.baseURL), dataDirectory: folder,
                    configure: { configure(&$0, serverURL: receiver.url) }
                ) { hub in
                    try await waitUntil("the event after the restart", within: 30) { await receiver.delivered.count == 1 }
                    let request = try #require(await receiver.delivered.first)
                    let event = try verified(request)
                    #expect(event["type"]?.string == "job.failed" && event["data"]?["job_id"]?.string == job)
                    #expect(event["data"]?["error_code"]?.string == "sdnext_error")
                    #expect(event["data"]?["error_message"]?.string?.isEmpty == false)
                    #expect(refusedIDs == Set([request.header("webhook-id")].compactMap { $0 }))
                    try await waitUntil("the delivery recorded", within: 30) {
                        try await webhook(of: job, on: hub)?["delivered_at"]?.string != nil
                    }
                }
            }
        }
    }

    @Test func aBadCallbackURLIs422NamingIt() async throws {
        try await withHub(backends: []) { hub in
            for url in [#""ftp://example.test/hook""#, #""not a url""#, #""http://""#, "5"] {
                let (status, answer) = try await hub.request(
                    .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","callback_url":\#(url)}"#)
                #expect(status == 422, "\(url)")
                #expect(answer["field"]?.string == "callback_url", "\(url): \(answer)")
            }
            #expect(try await hub.request(.GET, "/api/v1/generation/jobs/active").body.array?.isEmpty == true)
        }
    }
}
