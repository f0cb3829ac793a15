import DynamicJSON
import EaselTesting
import Foundation
import SDNext
import Testing

/// What the gateway passes on to SD.Next (`png-info`, the refresh routes) and what it refuses, over HTTP.
@Suite(.timeLimit(.minutes(1))) struct PoolPassThroughTests {
    static let pool: [(models: [String], loras: [String])] = [(["alpha-xl"], ["fox"]), (["beta"], [])]

    @Test func pngInfoReadsTheInfotextOfAGeneratedImage() async throws {
        try await withPool(Self.pool) { emulators, hub in
            let client = SDNextClient(configuration: SDNextConfiguration(baseURL: emulators[1].baseURL))
            let request = Txt2ImgRequest(GenerationFields(prompt: "a red fox", steps: 2, seed: 1234), width: 64, height: 64)
            let image = try #require(try await client.txt2img(request).images.first)
            let body = String(decoding: try JSONEncoder().encode(["image": image.base64]), as: UTF8.self)
            let (status, info) = try await hub.request(.POST, "/sdapi/v1/png-info", json: body)
            #expect(status == 200)
            #expect(info["info"]?.string?.hasPrefix("a red fox\n") == true)
            #expect(info["parameters"]?["Seed"] != nil && info["items"] != nil)
            #expect(info == (try await client.pngInfoJSON(body)))
        }
    }

    @Test func pngInfoRefusesBadInputAsSDNextDoes() async throws {
        try await withPool(Self.pool) { emulators, hub in
            let client = SDNextClient(configuration: SDNextConfiguration(baseURL: emulators[0].baseURL))
            for body in ["{}", #"{"image":"not an image"}"#, "not json", #"{"image":7}"#] {
                let pool = try await hub.request(.POST, "/sdapi/v1/png-info", json: body)
                let sdnext = try await #require(throws: SDNextError.self) { try await client.pngInfoJSON(body) }
                #expect(pool.status == sdnext.status, "\(body)")
                #expect(pool.body == (try JSONDecoder().decode(JSONValue.self, from: Data((sdnext.body ?? "").utf8))), "\(body)")
            }
            let missing = try await hub.request(.POST, "/sdapi/v1/png-info", json: "{}")
            #expect(missing.status == 422 && missing.body["detail"]?.array?.first?["type"]?.string == "missing")
        }
    }

    @Test func poolLessRoutesAnswerA501SayingWhatToUseInstead() async throws {
        try await withHub(backends: [deadBackend]) { hub in
            let (status, body) = try await hub.request(.POST, "/sdapi/v1/unload-checkpoint")
            #expect(status == 501)
            let detail = try #require(body["detail"]?.string)
            #expect(detail.contains("Easel loads a job's model on the backend that runs it"))
            #expect(body == .object([
                "error": .string("HTTPException"), "code": .number(501), "detail": .string(detail), "body": .string(""),
                "errors": .string("501: " + detail),
            ]))
            for (method, path) in [("POST", "shutdown"), ("POST", "extra-single-image"), ("POST", "caption"), ("GET", "png-info"), ("DELETE", "delete-file")] {
                #expect(try await hub.request(.init(rawValue: method), "/sdapi/v1/" + path).status == 501, "\(method) \(path)")
            }
        }
    }

    @Test func anUnknownSDNextRouteIsSDNexts404() async throws {
        try await withHub(backends: [deadBackend]) { hub in
            let (status, body) = try await hub.request(.GET, "/sdapi/v1/no-such-route")
            #expect(status == 404 && body == .object(["detail": .string("Not Found")]))
            #expect(try await hub.request(.POST, "/sdapi/v1/train/embedding").status == 404)
        }
    }

    @Test func refreshRoutesAnswerAsSDNextDoes() async throws {
        try await withPool(Self.pool) { emulators, hub in
            #expect(try await hub.request(.POST, "/sdapi/v1/refresh-vae").status == 204)
            let loras = try await hub.request(.POST, "/sdapi/v1/refresh-loras")
            #expect(loras.status == 200)
            #expect(loras.body == (try await SDNextClient(configuration: SDNextConfiguration(baseURL: emulators[0].baseURL)).postJSON("/sdapi/v1/refresh-loras", body: nil) ?? .null))
        }
    }
}

extension SDNextClient {
    /// `png-info` with a body sent as it is.
    func pngInfoJSON(_ body: String) async throws -> JSONValue? {
        try await postJSON("/sdapi/v1/png-info", body: Data(body.utf8))
    }
}
