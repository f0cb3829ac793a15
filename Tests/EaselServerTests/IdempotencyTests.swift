import DynamicJSON
import EaselTesting
import Foundation
import NIOCore
import NIOHTTP1
import AsyncHTTPClient
import Testing

/// `Idempotency-Key` on the submit routes: a repeat within 24 h is the same job, another request under the key a 422.
@Suite(.timeLimit(.minutes(1))) struct IdempotencyTests {
    private func post(_ hub: TestHub, _ path: String, _ json: String, key: String?) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: hub.baseURL + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 24))
        return (Int(response.status.code), try JSONDecoder().decode(JSONValue.self, from: data))
    }

    @Test func aRepeatedSubmitIsTheSameJob() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let path = "/api/v1/generation/queue-generation"
                let body = #"{"prompt": "once", "steps": 3, "width": 64, "height": 64}"#
                let (status, first) = try await post(hub, path, body, key: "order-17")
                #expect(status == 200)
                let (_, repeated) = try await post(hub, path, body, key: "order-17")
                #expect(repeated["delivery_id"] == first["delivery_id"])

                let (conflict, refusal) = try await post(hub, path, #"{"prompt": "twice"}"#, key: "order-17")
                #expect(conflict == 422 && refusal["field"] == .string("Idempotency-Key"))
                #expect(refusal["detail"]?.array?.first?["loc"] == .array([.string("header"), .string("Idempotency-Key")]))
                let (badKey, _) = try await post(hub, path, body, key: String(repeating: "k", count: 300))
                #expect(badKey == 422)

                // A blocking generate repeated after its job ended answers at once with that job.
                let generate = "/api/v1/generation/generate"
                let (_, done) = try await post(hub, generate, body, key: "render-3")
                #expect(done["status"] == .string("completed"))
                let (_, again) = try await post(hub, generate, body, key: "render-3")
                #expect(again["job_id"] == done["job_id"] && again["status"] == .string("completed"))

                let id = try #require(first["delivery_id"]?.string)
                try await waitUntil("the first job completes") {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "completed"
                }
                let (_, results) = try await hub.request(.GET, "/api/v1/generation/results?limit=10")
                #expect(results.array?.count == 2, "one job per key: \(results)")
            }
        }
    }
}
