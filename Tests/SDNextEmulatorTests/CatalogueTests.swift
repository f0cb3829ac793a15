import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// Per-emulator catalogues and SD.Next's model switching and LoRA lookup (modules/sd_models.py,
/// processing.py, lora/lora_load.py), over real sockets.
@Suite(.timeLimit(.minutes(2))) struct CatalogueTests {
    /// Two checkpoints and one LoRA, with a model load long enough for a poll to see it.
    static func configuration(loadMilliseconds: Int = 20) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(2))
        configuration.models = ["alpha-xl", "beta"]
        configuration.loras = ["detail.v2"]
        configuration.modelLoadDuration = .milliseconds(loadMilliseconds)
        return configuration
    }

    static let small = #""steps":2,"width":32,"height":32"#

    static func checkpointName(_ client: EmulatorClient) async throws -> String? {
        try await client.get("/sdapi/v1/checkpoint").object()["name"] as? String
    }

    static func infotext(_ response: [String: Any]) throws -> String {
        let info = try JSONSerialization.jsonObject(with: Data(try #require(response["info"] as? String).utf8)) as? [String: Any]
        return try #require((info?["infotexts"] as? [String])?.first)
    }

    @Test func theConfiguredCatalogueIsListed() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            let models = try await client.get("/sdapi/v1/sd-models").array().compactMap { $0 as? [String: Any] }
            #expect(models.map { $0["model_name"] as? String } == ["alpha-xl", "beta"])
            #expect(models.allSatisfy { ($0["hash"] as? String)?.count == 10 && ($0["sha256"] as? String)?.count == 64 })
            #expect(try await Self.checkpointName(client) == "alpha-xl")
            #expect(try await client.get("/sdapi/v1/checkpoint").object()["class"] as? String == "StableDiffusionXLPipeline")
            let loras = try await client.get("/sdapi/v1/loras").array().compactMap { $0 as? [String: Any] }
            // list_available_networks turns dots into underscores; the file keeps its name.
            #expect(loras.map { $0["name"] as? String } == ["detail_v2"])
            #expect(loras.first?["path"] as? String == "/app/models/Lora/detail.v2.safetensors")
        }
    }

    @Test func catalogueListsSplitPerEmulator() throws {
        #expect(CatalogueList.names(" a, b ,,c") == ["a", "b", "c"])
        #expect(try CatalogueList.perEmulator("a,b;c", count: 2) == [["a", "b"], ["c"]])
        #expect(try CatalogueList.perEmulator("a,b", count: 3) == [["a", "b"], ["a", "b"], ["a", "b"]])
        #expect(throws: CatalogueListError.self) { try CatalogueList.perEmulator("a;b;c", count: 2) }
    }

    @Test func anOptionsSwitchShowsLoadModelWhileItLoads() async throws {
        try await withEmulator(Self.configuration(loadMilliseconds: 600)) { emulator in
            let client = EmulatorClient(emulator)
            async let switched = client.post("/sdapi/v1/options", #"{"sd_model_checkpoint":"beta"}"#)
            try await waitUntil("Load model in progress") { try await client.state()["job"] as? String == "Load model" }
            #expect(try (await switched).object()["updated"] as? [[String: Bool]] == [["sd_model_checkpoint": true]])
            #expect(try await Self.checkpointName(client) == "beta")
            let options = try await client.get("/sdapi/v1/options").object()
            #expect((options["sd_model_checkpoint"] as? String)?.hasPrefix("beta [") == true)
            // The same value again is no change: opts.set answers false and loads nothing.
            let title = try #require(options["sd_model_checkpoint"] as? String)
            let again = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint":"\#(title)"}"#).object()
            #expect(again["updated"] as? [[String: Bool]] == [["sd_model_checkpoint": false]])
        }
    }

    @Test func anUnknownModelThroughOptionsOrCheckpointUnloads() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            let update = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint":"gamma"}"#).object()
            #expect(update["updated"] as? [[String: Bool]] == [["sd_model_checkpoint": true]])
            #expect(try await client.get("/sdapi/v1/checkpoint").object()["class"] is NSNull)
            // The selected name finds nothing to load on demand, so the generation aborts.
            let aborted = try await client.post("/sdapi/v1/txt2img", "{\(Self.small)}").object()
            #expect((aborted["images"] as? [Any])?.isEmpty == true)
            #expect(aborted["info"] as? String == "")

            let loaded = try await client.post("/sdapi/v1/checkpoint?sd_model_checkpoint=beta").object()
            #expect(loaded["ok"] as? Bool == true)
            #expect(try await client.post("/sdapi/v1/checkpoint?sd_model_checkpoint=beta").object()["ok"] as? Bool == false)
            #expect(try await client.post("/sdapi/v1/checkpoint?sd_model_checkpoint=Beta").object()["ok"] as? Bool == false)
            #expect(try await client.post("/sdapi/v1/checkpoint?sd_model_checkpoint=nope").object()["ok"] as? Bool == false)
            #expect(try await Self.checkpointName(client) == nil)
            #expect(try await client.post("/sdapi/v1/checkpoint").status == 422)
        }
    }

    @Test func theRequestFieldSwitchesForGoodAndAnUnknownOneAborts() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            let unknown = try await client.post("/sdapi/v1/txt2img", #"{"sd_model_checkpoint":"missing",\#(Self.small)}"#).object()
            #expect((unknown["images"] as? [Any])?.isEmpty == true)
            #expect(unknown["info"] as? String == "")
            let switched = try await client.post("/sdapi/v1/txt2img", #"{"sd_model_checkpoint":"BETA",\#(Self.small)}"#).object()
            #expect(try Self.infotext(switched).contains("Model: beta, Model hash: "))
            #expect(try await Self.checkpointName(client) == "beta")
        }
    }

    @Test func overrideSettingsLoadForTheJobAndRestoreAfterwards() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            let body = #"{"override_settings":{"sd_model_checkpoint":"beta"},\#(Self.small)}"#
            let restored = try await client.post("/sdapi/v1/txt2img", body).object()
            #expect(try Self.infotext(restored).contains("Model: beta,"))
            #expect(try await Self.checkpointName(client) == "alpha-xl")
            let loads = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
                .filter { $0["job"] as? String == "load model" && $0["op"] as? String == "begin" }
            #expect(loads.count == 2, "one load for the job, one to restore")

            let kept = #"{"override_settings":{"sd_model_checkpoint":"beta"},"override_settings_restore_afterwards":false,\#(Self.small)}"#
            _ = try await client.post("/sdapi/v1/txt2img", kept).object()
            #expect(try await Self.checkpointName(client) == "beta")

            // A checkpoint that is no exact alias is ignored with a warning: the current model runs.
            let ignored = try await client.post("/sdapi/v1/txt2img", #"{"override_settings":{"sd_model_checkpoint":"gamma"},\#(Self.small)}"#).object()
            #expect((ignored["images"] as? [Any])?.count == 1)
            #expect(try Self.infotext(ignored).contains("Model: beta,"))
        }
    }

    @Test func anUnloadedModelLoadsOnDemandUnlessLocked() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            #expect(try await client.post("/sdapi/v1/unload-checkpoint").status == 204)
            #expect(try await client.post("/sdapi/v1/lock-checkpoint?lock=true").status == 204)
            let locked = try await client.post("/sdapi/v1/txt2img", "{\(Self.small)}").object()
            #expect((locked["images"] as? [Any])?.isEmpty == true)
            #expect(try await client.post("/sdapi/v1/lock-checkpoint?lock=maybe").status == 422)
            #expect(try await client.post("/sdapi/v1/lock-checkpoint").status == 204)
            let loaded = try await client.post("/sdapi/v1/txt2img", "{\(Self.small)}").object()
            #expect((loaded["images"] as? [Any])?.count == 1)
            #expect(try await Self.checkpointName(client) == "alpha-xl")
        }
    }

    @Test func aLoRAIsAppliedWhenPresentAndSkippedWhenMissing() async throws {
        try await withEmulator(Self.configuration()) { emulator in
            let client = EmulatorClient(emulator)
            let body = #"{"prompt":"a fox <lora:detail.v2:0.8> <lora:missing:1>",\#(Self.small)}"#
            let response = try await client.post("/sdapi/v1/txt2img", body).object()
            #expect((response["images"] as? [Any])?.count == 1)
            let infotext = try Self.infotext(response)
            let settings = try #require(infotext.split(separator: "\n").last)
            #expect(infotext.hasPrefix("a fox <lora:detail.v2:0.8> <lora:missing:1>\nNegative prompt: \nSteps: 2"))
            #expect(settings.hasSuffix("LoRA networks: detail_v2"))
            #expect(!settings.contains("missing") && !settings.contains("LoRA hashes"))
            #expect(try await client.get("/sdapi/v1/loaded-loras").array() as? [String] == ["detail_v2"])

            let options = #"{"lora_add_hashes_to_infotext":true,"prompt_attention":"compel"}"#
            #expect(try await client.post("/sdapi/v1/options", options).status == 200)
            let hashed = try Self.infotext(try await client.post("/sdapi/v1/txt2img", body).object())
            #expect(hashed.contains("LoRA networks: detail_v2, LoRA hashes: "))
            #expect(hashed.contains("Version: 058a7f0, Parser: compel, Pipeline: "))

            _ = try await client.post("/sdapi/v1/txt2img", "{\(Self.small)}").object()
            #expect(try await client.get("/sdapi/v1/loaded-loras").array().isEmpty)
        }
    }
}
