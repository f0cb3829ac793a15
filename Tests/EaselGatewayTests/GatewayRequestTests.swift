import AsyncHTTPClient
import DynamicJSON
import EaselTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import EaselGateway

/// What FastAPI does around SD.Next's handlers, over HTTP: bodies it would not parse, no CORS, SD.Next's 413.
@Suite(.timeLimit(.minutes(1))) struct GatewayRequestTests {
    /// FastAPI 0.124.4 / pydantic 2.13.4's answer to a `text/plain` body on a route taking a pydantic model.
    static func unparsed(_ input: String) -> JSONValue {
        .object(["detail": .array([.object([
            "type": .string("model_attributes_type"), "loc": .array([.string("body")]),
            "msg": .string("Input should be a valid dictionary or object to extract fields from"), "input": .string(input),
        ])])])
    }

    struct Answer { let status: Int; let headers: HTTPHeaders; let body: JSONValue }

    static func send(_ hub: TestHub, _ method: HTTPMethod, _ path: String, headers: [(String, String)], body: String? = nil)
        async throws -> Answer
    {
        var request = HTTPClientRequest(url: hub.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        let json = data.isEmpty ? JSONValue.null : try JSONDecoder().decode(JSONValue.self, from: data)
        return Answer(status: Int(response.status.code), headers: response.headers, body: json)
    }

    @Test func aBodyFastAPIWouldNotParseIsIts422AndQueuesNothing() async throws {
        try await withPool([(["alpha"], [])]) { _, hub in
            let body = #"{"prompt":"a fox","steps":2}"#
            let plain = try await Self.send(hub, .POST, "/sdapi/v1/txt2img", headers: [("content-type", "text/plain")], body: body)
            #expect(plain.status == 422 && plain.body == Self.unparsed(body))
            let form = try await Self.send(
                hub, .POST, "/sdapi/v1/txt2img", headers: [("content-type", "application/x-www-form-urlencoded")], body: "prompt=x")
            #expect(form.status == 422 && form.body == Self.unparsed("prompt=x"))
            let options = try await Self.send(
                hub, .POST, "/sdapi/v1/options", headers: [("content-type", "text/plain")], body: #"{"sd_model_checkpoint":"alpha"}"#)
            #expect(options.status == 422 && options.body["detail"]?[0]?["type"] == .string("dict_type"))
            #expect(try await hub.request(.GET, "/sdapi/v1/history").body == .array([]))
            #expect(try await hub.request(.GET, "/sdapi/v1/options").body["sd_model_checkpoint"] != .string("alpha"))
            // FastAPI parses `application/*+json` and a JSON type with parameters.
            let json = try await Self.send(
                hub, .POST, "/sdapi/v1/txt2img", headers: [("content-type", "application/json; charset=utf-8")], body: body)
            #expect(json.status == 200)
        }
    }

    @Test func theGatewayAnswersNoCrossOriginRequestWhileEaselsAPIStillDoes() async throws {
        try await withPool([(["alpha"], [])]) { _, hub in
            let origin = ("origin", "http://evil.example")
            let preflight = try await Self.send(
                hub, .OPTIONS, "/sdapi/v1/txt2img", headers: [origin, ("access-control-request-method", "POST")])
            #expect(preflight.status == 405 && preflight.body == .object(["detail": .string("Method Not Allowed")]))
            #expect(preflight.headers["access-control-allow-origin"].isEmpty)
            let listing = try await Self.send(hub, .GET, "/sdapi/v1/sd-models", headers: [origin])
            #expect(listing.status == 200 && listing.headers["access-control-allow-origin"].isEmpty)
            let progress = try await Self.send(
                hub, .POST, "/internal/progress", headers: [origin, ("content-type", "application/json")], body: "{}")
            #expect(progress.headers["access-control-allow-origin"].isEmpty)
            let own = try await Self.send(hub, .GET, "/api/v1/generation/backends", headers: [origin])
            #expect(own.headers["access-control-allow-origin"] == ["http://evil.example"])
            let ownPreflight = try await Self.send(
                hub, .OPTIONS, "/api/v1/generation/queue-generation", headers: [origin, ("access-control-request-method", "POST")])
            #expect(ownPreflight.status == 204 && ownPreflight.headers["access-control-allow-origin"] == ["http://evil.example"])
        }
    }

    @Test func anOversizePngInfoIsSDNextsShaped413() async throws {
        try await withPool([(["alpha"], [])], maxRequestBytes: 1 << 20) { _, hub in
            let image = String(repeating: "A", count: 2 << 20)
            let answer = try await Self.send(
                hub, .POST, "/sdapi/v1/png-info", headers: [("content-type", "application/json")], body: #"{"image":"\#(image)"}"#)
            #expect(answer.status == 413)
            #expect(answer.body["error"] == .string("HTTPException") && answer.body["code"] == .number(413))
            #expect(answer.body["detail"] == .string("Request body is larger than \(1 << 20) bytes"))
        }
    }

    @Test func parametersARouteDoesNotTakeShareOneCachedFetch() async throws {
        let models = try #require(PoolListing.all.first { $0.path == "sd-models" })
        let first = models.target(path: "/sdapi/v1/sd-models", query: "x=1")
        #expect(first == "/sdapi/v1/sd-models" && models.target(path: "/sdapi/v1/sd-models", query: "x=2") == first)
        let networks = try #require(PoolListing.all.first { $0.path == "extra-networks" })
        #expect(networks.target(path: "/e", query: "x=1&page=lora&name=a") == "/e?name=a&page=lora")

        let cache = ListingCache(lifetime: .seconds(60))
        let fetches = Atomic<Int>(0)
        for query in ["x=1", "x=2"] {
            _ = try await cache.value(for: models.target(path: "/sdapi/v1/sd-models", query: query)) {
                .number(Double(fetches.add(1, ordering: .relaxed).newValue))
            }
        }
        #expect(fetches.load(ordering: .relaxed) == 1)
    }

    @Test func concurrentCallersShareOneRunAndNothingIsKeptAfterIt() async throws {
        let runs = ListingCache()
        let started = Atomic<Int>(0)
        let (gate, open) = AsyncStream<Void>.makeStream()
        let run: @Sendable () async throws -> JSONValue = {
            let number = started.add(1, ordering: .relaxed).newValue
            for await _ in gate { break }
            return .number(Double(number))
        }
        let answers = try await withThrowingTaskGroup(of: JSONValue.self) { group in
            group.addTask { try await runs.shared("refresh", run: run) }
            try await waitUntil("the run started") { started.load(ordering: .relaxed) == 1 }
            for _ in 0..<4 { group.addTask { try await runs.shared("refresh", run: run) } }
            try await waitUntil("four callers wait for it") { await runs.waiting == 4 }
            open.finish()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: .number(1), count: 5) && started.load(ordering: .relaxed) == 1)
        #expect(try await runs.shared("refresh", run: run) == .number(2))
    }
}
