import DynamicJSON
import Foundation
import SDNextEmulator
import Testing

@testable import SDNext

/// The listing and model-management calls Easel's dispatcher uses, against a live emulator.
@Suite(.timeLimit(.minutes(1))) struct InventoryTests {
    @Test func listingCallsDecodeTheEmulatorsCatalogue() async throws {
        try await withEmulatorClient { client, _ in
            let loras = try await client.loras()
            #expect(loras.map(\.name).contains("add-detail-xl"))
            #expect(loras.allSatisfy { !$0.alias.isEmpty && $0.path.hasSuffix(".safetensors") })
            #expect(loras.first?.metadata["ss_base_model_version"] != nil)

            let vaes = try await client.sdVAEs()
            #expect(!vaes.isEmpty && vaes.allSatisfy { !$0.modelName.isEmpty && !$0.filename.isEmpty })

            let upscalers = try await client.upscalers()
            #expect(upscalers.first == UpscalerInfo(json: .object(["name": .string("None"), "scale": .number(4)])))
            #expect(upscalers.contains { $0.modelPath != nil && $0.scale == 4 })

            let sampler = try #require(try await client.currentSampler())
            #expect(sampler.className == "EulerDiscreteScheduler")
            #expect(sampler.options["prediction_type"] == .string("epsilon"))

            #expect(!(try await client.embeddings()).loaded.isEmpty)
            #expect(try await client.promptStyles().contains { $0.name == "Cinematic" && $0.prompt != nil })
            #expect(try await client.scripts().txt2img.contains("x/y/z plot"))
            #expect(try await client.controlModels().contains("Canny XL"))
            #expect(try await client.samplers().contains { $0.name == "DPM++ 2M" })
        }
    }

    @Test func unloadAndReloadTheCheckpoint() async throws {
        try await withEmulatorClient { client, _ in
            let loaded = try await client.checkpoint()
            try await client.unloadCheckpoint()
            let unloaded = try await client.checkpoint()
            #expect(!unloaded.isLoaded)
            #expect(try await client.currentSampler() == nil)
            #expect(try await client.embeddings() == EmbeddingsInfo(json: .object([:])))

            // The POST returns once the load is done, so the model is back without polling.
            try await client.reloadCheckpoint()
            #expect(try await client.checkpoint() == loaded)
            try await client.reloadCheckpoint(force: true)
            #expect(try await client.checkpoint() == loaded)

            try await client.refreshCheckpoints()
            try await client.refreshLoRAs()
        }
    }

    @Test func reloadBringsBackTheModelTheOptionsName() async throws {
        try await withEmulatorClient { client, _ in
            let other = try #require(try await client.models().last)
            #expect(try await client.setOptions(["sd_model_checkpoint": .string(other.title)])["sd_model_checkpoint"] == true)
            try await client.unloadCheckpoint()
            // Reload loads what `sd_model_checkpoint` names, not the catalogue's first model.
            try await client.reloadCheckpoint()
            #expect(try await client.checkpoint().title == other.title)
        }
    }

    @Test func tolerantDecodingOfA1111Shapes() {
        let embeddings = EmbeddingsInfo(json: .object(["loaded": .object(["a": .object([:]), "b": .object([:])]), "skipped": .object([:])]))
        #expect(embeddings.loaded == ["a", "b"] && embeddings.skipped.isEmpty)
        #expect(CurrentSampler(json: .object([:])) == nil)
        let lora = LoRAInfo(json: .object(["name": .string("x")]))
        #expect(lora.alias == "x" && lora.metadata.isEmpty)
    }
}
