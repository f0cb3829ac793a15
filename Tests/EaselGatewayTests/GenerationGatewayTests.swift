import DynamicJSON
import EaselTesting
import Foundation
import Logging
import SDNextEmulator
import Testing

/// SD.Next's generation routes on Easel's port: each call is an Easel job (in the REST views, on the pool) and
/// answers in SD.Next's shapes.
@Suite(.timeLimit(.minutes(1))) struct GenerationGatewayTests {
    @Test func txt2imgIsAQueuedJobAnsweredInSDNextsShape() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                let answer = try await client.post(
                    "/sdapi/v1/txt2img", #"{"prompt": "a lighthouse", "steps": "4", "width": 64, "height": 64, "seed": 7}"#)
                #expect(answer.status == 200)
                let images = try #require(answer.body["images"]?.array)
                #expect(images.count == 1)
                #expect(images[0].string?.hasPrefix("/9j/") == true, "base64 JPEG without a data: prefix")
                // SD.Next's own echo: every field of its model, the string "4" coerced to 4.
                let parameters = try #require(answer.body["parameters"]?.objectValue)
                #expect(parameters.count > 200)
                #expect(parameters["steps"] == .number(4))
                let info = try #require(answer.body.infoDocument)
                #expect(info["seed"] == .number(7))
                #expect(info["infotexts"]?.array?.first?.string?.contains("a lighthouse") == true)

                let id = try #require(answer.jobID)
                let (status, view) = try await hub.request(.GET, "/api/v1/generation/jobs/\(id)")
                #expect(status == 200)
                #expect(view["delivery"]?["status"]?.string == "completed")
                #expect(view["delivery"]?["backend_url"]?.string == emulators[0].baseURL)
            }
        }
    }

    @Test func badBodiesGetSDNextsRefusals() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                let wrongTypes = try await client.post("/sdapi/v1/txt2img", #"{"prompt": [], "steps": "many"}"#)
                #expect(wrongTypes.status == 422)
                let detail = try #require(wrongTypes.body["detail"]?.array)
                #expect(detail.map { $0["loc"] } == [
                    .array([.string("body"), .string("prompt")]), .array([.string("body"), .string("steps")]),
                ])
                #expect(detail.map { $0["type"]?.string } == ["string_type", "int_parsing"])
                #expect(detail[1]["input"] == .string("many"))

                let notObject = try await client.call(.POST, "/sdapi/v1/txt2img", body: "[1]")
                #expect(notObject.status == 422)
                #expect(notObject.body["detail"]?.array?.first?["type"]?.string == "model_attributes_type")
                let notJSON = try await client.call(.POST, "/sdapi/v1/txt2img", body: "{\"prompt\": ")
                #expect(notJSON.body["detail"]?.array?.first?["type"]?.string == "json_invalid")
                let empty = try await client.call(.POST, "/sdapi/v1/control", body: nil)
                #expect(empty.status == 422 && empty.body["detail"]?.array?.first?["type"]?.string == "missing")

                let noInit = try await client.post("/sdapi/v1/img2img", #"{"prompt": "x"}"#)
                #expect(noInit.status == 400)
                #expect(noInit.body == .object(["error": .string("Init image is none")]))

                let tooBig = try await client.post("/sdapi/v1/txt2img", #"{"prompt": "x", "width": 100000}"#)
                #expect(tooBig.status == 422)
                #expect(tooBig.body["detail"]?.array?.first?["loc"] == .array([.string("body"), .string("width")]))

                // Nothing was queued by any of them.
                let (_, active) = try await hub.request(.GET, "/api/v1/generation/jobs/active")
                #expect(active.array?.isEmpty == true)
            }
        }
    }

    @Test func img2imgWithAMaskAndControlRunThroughTheQueue() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                let first = try await client.post(
                    "/sdapi/v1/txt2img", #"{"prompt": "seed image", "steps": 2, "width": 64, "height": 64}"#)
                let image = try #require(first.body["images"]?.array?.first?.string)
                let img2img = try await client.post("/sdapi/v1/img2img", #"""
                    {"prompt": "repainted", "steps": 4, "init_images": ["\#(image)"], "mask": "\#(image)",
                     "denoising_strength": 0.5, "width": 64, "height": 64}
                    """#)
                #expect(img2img.status == 200)
                #expect(img2img.body["images"]?.array?.count == 1)
                #expect(img2img.body.infoDocument?["denoising_strength"] == .number(0.5))

                let control = try await client.post("/sdapi/v1/control", #"""
                    {"prompt": "edges", "steps": 3, "width_before": 64, "height_before": 64,
                     "control": [{"process": "Canny", "model": "", "strength": 1.0, "override": "\#(image)"}]}
                    """#)
                #expect(control.status == 200)
                #expect(control.body["images"]?.array?.isEmpty == false)
                #expect(control.body["params"]?.objectValue != nil, "control echoes its request as `params`")
                #expect(control.body["info"]?.string != nil)
                let id = try #require(control.jobID)
                let (_, view) = try await hub.request(.GET, "/api/v1/generation/jobs/\(id)")
                #expect(view["delivery"]?["kind"]?.string == "control")
            }
        }
    }
}
