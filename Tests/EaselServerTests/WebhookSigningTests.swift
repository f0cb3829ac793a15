import EaselWebhooks
import Foundation
import Testing

/// The signature matches the Standard Webhooks specification's test vector; retries back off, jitter and give up.
struct WebhookSigningTests {
    @Test func signsTheStandardWebhooksTestVector() throws {
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = secret.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test(arguments: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ=", ""])
    func refusesASecretThatIsNotWhsecBase64(_ text: String) {
        #expect(throws: WebhookSecret.Invalid.self) { try WebhookSecret(text) }
    }

    @Test func backsOffExponentiallyWithJitterUpToTheCapAndGivesUpPastTheWindow() {
        var policy = WebhookRetryPolicy()
        policy.initialDelay = .seconds(5)
        policy.maximumDelay = .seconds(60)
        policy.window = .seconds(300)
        let created = Date(timeIntervalSince1970: 1_000)
        func delay(_ attempts: Int, jitter: Double, now: Date = created) -> Double? {
            policy.nextAttempt(after: attempts, createdAt: created, now: now, jitter: jitter)?.timeIntervalSince(now)
        }
        #expect(delay(1, jitter: 1) == 5 && delay(2, jitter: 1) == 10 && delay(3, jitter: 1) == 20)
        #expect(delay(1, jitter: 0) == 2.5 && delay(3, jitter: 0.5) == 15)
        #expect(delay(10, jitter: 1) == 60 && delay(1_000, jitter: 1) == 60)
        #expect(delay(10, jitter: 1, now: created.addingTimeInterval(240)) == 60)
        #expect(delay(10, jitter: 1, now: created.addingTimeInterval(241)) == nil)
    }
}
