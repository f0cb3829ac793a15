import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// Shapes of the enumeration routes (issue 10, deliverable 2): the keys each SD.Next function in
/// `modules/api/endpoints.py`, `loras.py`, `script.py` and `server.py` returns, with their types.
@Suite(.timeLimit(.minutes(1))) struct ListingRouteShapeTests {
    /// Every item of a list route has exactly `keys`, in SD.Next's order.
    private func expectItems(_ client: EmulatorClient, _ path: String, keys: [String]) async throws -> [[String: Any]] {
        let result = try await client.get(path)
        #expect(result.status == 200, "\(path): \(result.text)")
        let items = try #require(try result.array() as? [[String: Any]], "\(path): \(result.text)")
        #expect(!items.isEmpty, "\(path) is empty")
        for item in items { #expect(Set(item.keys) == Set(keys), "\(path): \(item.keys.sorted())") }
        let first = try #require(result.text.firstRange(of: "{").map { result.text[$0.lowerBound...] })
        let order = keys.compactMap { key in first.firstRange(of: "\"\(key)\":").map { (key, $0.lowerBound) } }
        #expect(order.sorted { $0.1 < $1.1 }.map(\.0) == keys, "\(path) key order")
        return items
    }

    @Test func listRoutesHaveSDNextItemShapes() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            _ = try await expectItems(client, "/sdapi/v1/sd-vae", keys: ["model_name", "filename"])
            let upscalers = try await expectItems(
                client, "/sdapi/v1/upscalers", keys: ["name", "model_name", "model_path", "model_url", "scale"])
            #expect(upscalers.first?["name"] as? String == "None")
            #expect(upscalers.first?["model_name"] is NSNull)
            let loras = try await expectItems(client, "/sdapi/v1/loras", keys: ["name", "alias", "path", "metadata"])
            #expect(loras.map { $0["name"] as? String } == ModelCatalog.loras.map(\.name))
            #expect(loras.allSatisfy { $0["metadata"] is [String: Any] })
            for path in ["/sdapi/v1/face-restorers", "/sdapi/v1/detailers"] {
                _ = try await expectItems(client, path, keys: ["name", "path"])
            }
            _ = try await expectItems(
                client, "/sdapi/v1/prompt-styles", keys: ["name", "prompt", "negative_prompt", "extra", "filename", "preview"])
            let scripts = try await expectItems(
                client, "/sdapi/v1/script-info", keys: ["name", "is_alwayson", "is_img2img", "args"])
            let args = try #require(scripts.first?["args"] as? [[String: Any]])
            #expect(Set(args.first.map { Array($0.keys) } ?? []) == ["label", "value", "minimum", "maximum", "step", "choices"])
            let networks = try await expectItems(
                client, "/sdapi/v1/extra-networks",
                keys: ["name", "type", "title", "fullname", "filename", "hash", "preview", "version", "tags"])
            #expect(Set(networks.compactMap { $0["type"] as? String }) == ["model", "lora"])
            #expect(try await client.get("/sdapi/v1/loaded-loras").text == "[]")
        }
    }

    @Test func listRouteFiltersAndLoRADetail() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let loraPage = try await client.get("/sdapi/v1/extra-networks?page=Lora").array() as? [[String: Any]]
            #expect(loraPage?.count == ModelCatalog.loras.count)
            let named = try await client.get("/sdapi/v1/extra-networks?name=pixel-art-xl").array() as? [[String: Any]]
            #expect(named?.map { $0["type"] as? String } == ["lora"])
            let loop = try await client.get("/sdapi/v1/script-info?script_name=loopback").array() as? [[String: Any]]
            #expect(loop?.map { $0["is_img2img"] as? Bool } == [true])

            let detail = try await client.get("/sdapi/v1/lora?lora=add-detail-xl").object()
            #expect(detail["shorthash"] as? String == "0d9bd1b8")
            #expect(detail["sd_version"] as? String == "xl")
            let missing = try await client.get("/sdapi/v1/lora?lora=nope")
            #expect(missing.status == 404)
            #expect(try missing.object()["detail"] as? String == "Lora 'nope' not found")
            let noQuery = try await client.get("/sdapi/v1/lora")
            #expect(noQuery.status == 422)
            let issue = try #require((try noQuery.object()["detail"] as? [[String: Any]])?.first)
            #expect(issue["type"] as? String == "missing" && issue["loc"] as? [String] == ["query", "lora"])
        }
    }

    @Test func objectRoutesHaveSDNextShapes() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let sampler = try await client.get("/sdapi/v1/sampler").object()
            #expect(sampler["name"] as? String == "EulerDiscreteScheduler")
            #expect((sampler["options"] as? [String: Any])?["num_train_timesteps"] as? Int == 1000)
            #expect(try await client.get("/sdapi/v1/scripts").object().keys.sorted() == ["control", "img2img", "txt2img"])
            let embeddings = try await client.get("/sdapi/v1/embeddings").object()
            #expect(embeddings.keys.sorted() == ["loaded", "skipped"] && embeddings["loaded"] is [String])
            let flags = try await client.get("/sdapi/v1/cmd-flags").object()
            #expect(flags["port"] as? Int == 0 && flags["api"] as? Bool == true && flags["auth"] is NSNull)
            let platform = try await client.get("/sdapi/v1/platform").object()
            #expect(platform["system"] as? String == "Linux" && platform["locale"] is [String])
            #expect(platform["torch"] as? String != nil && platform["diffusers"] as? String != nil)
            let modules = try await client.get("/sdapi/v1/modules").object()
            #expect(modules.keys.sorted() == ["class", "model", "modules", "mtime", "size", "type"])
            let parts = try #require(modules["modules"] as? [[String: Any]])
            #expect(parts.allSatisfy { Set($0.keys) == ["class", "params", "modules", "quant", "device", "dtype"] })
            let controlNets = try #require(try await client.get("/sdapi/v1/control-models").array() as? [String])
            #expect(controlNets.contains("Canny XL"))
            #expect(try await client.get("/sdapi/v1/control-models?unit_type=xs").text == "[]")
            #expect(try await client.get("/sdapi/v1/controlnets?model_type=sd").array() as? [String] == ServerFixtures.controlNets["sd"])
        }
    }

    @Test func currentSamplerFollowsTheLastGenerationAndResetsOnLoad() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let body = #"{"steps":1,"width":64,"height":64,"sampler_name":"euler a"}"#
            #expect(try await client.post("/sdapi/v1/txt2img", body).status == 200)
            let used = try await client.get("/sdapi/v1/sampler").object()
            #expect(used["name"] as? String == "EulerAncestralDiscreteScheduler")
            let switched = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint":"dreamshaper_8"}"#)
            #expect(switched.status == 200)
            #expect(try await client.get("/sdapi/v1/sampler").object()["name"] as? String == "PNDMScheduler")
        }
    }

    @Test func modelManagementRoutes() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            for path in ["/sdapi/v1/refresh-checkpoints", "/sdapi/v1/refresh-vae", "/sdapi/v1/unload-checkpoint"] {
                let result = try await client.post(path)
                #expect(result.status == 204 && result.body.isEmpty, "\(path): \(result.status)")
            }
            #expect(try await client.get("/sdapi/v1/checkpoint").text == #"{"type":null,"class":null}"#)
            #expect(try await client.get("/sdapi/v1/sampler").text == "{}")
            #expect(try await client.get("/sdapi/v1/modules").text == "{}")
            #expect(try await client.get("/sdapi/v1/embeddings").text == #"{"loaded":[],"skipped":[]}"#)
            // Locked, a missing model is not loaded on demand, so generation has none.
            #expect(try await client.post("/sdapi/v1/lock-checkpoint?lock=true").status == 204)
            let noModel = try await client.post("/sdapi/v1/txt2img", #"{"steps":2,"width":64,"height":64}"#)
            #expect(noModel.status == 200)
            #expect(try noModel.object()["images"] as? [String] == [])

            let reload = try await client.post("/sdapi/v1/reload-checkpoint")
            #expect(reload.status == 204 && reload.body.isEmpty)
            #expect(try await client.get("/sdapi/v1/checkpoint").object()["name"] as? String == ModelCatalog.checkpoints[0].name)
            let history = try await client.get("/sdapi/v1/history").array() as? [[String: Any]] ?? []
            #expect(history.contains { $0["job"] as? String == "load model" && $0["op"] as? String == "begin" })
            let again = try await client.post("/sdapi/v1/reload-checkpoint?force=true")
            #expect(again.status == 204)
            #expect(try await client.post("/sdapi/v1/reload-checkpoint?force=maybe").status == 422)

            let refreshed = try await client.post("/sdapi/v1/refresh-loras")
            #expect(refreshed.status == 200)
            let networks = try refreshed.object()
            #expect(networks.keys.sorted() == ModelCatalog.loras.map(\.name).sorted())
            #expect((networks["add-detail-xl"] as? [String: Any])?["filename"] as? String != nil)
        }
    }

    @Test func newRoutesSitBehindBasicAuth() async throws {
        let configuration = EmulatorConfiguration.testing(credentials: EmulatorCredentials(username: "u", password: "p"))
        try await withEmulator(configuration) { emulator in
            let anonymous = EmulatorClient(emulator)
            for path in ["/sdapi/v1/loras", "/sdapi/v1/sd-vae", "/sdapi/v1/cmd-flags"] {
                let result = try await anonymous.get(path)
                #expect(result.status == 401, "\(path)")
            }
            let unload = try await anonymous.post("/sdapi/v1/unload-checkpoint")
            #expect(unload.status == 401)
            let signedIn = EmulatorClient(emulator, authorization: "Basic " + Data("u:p".utf8).base64EncodedString())
            let flags = try await signedIn.get("/sdapi/v1/cmd-flags").object()
            #expect(flags["auth"] as? String == "***")
        }
    }

    @Test func newRoutesAnswer405ForTheWrongMethod() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let postToList = try await client.post("/sdapi/v1/loras")
            #expect(postToList.status == 405)
            let getOfPost = try await client.get("/sdapi/v1/reload-checkpoint")
            #expect(getOfPost.status == 405)
        }
    }
}
