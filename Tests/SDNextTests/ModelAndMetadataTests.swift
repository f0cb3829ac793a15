import CImageCodec
import DynamicJSON
import EaselTesting
import Foundation
import SDNextEmulator
import Testing

@testable import SDNext

/// Model switching, LoRAs, options-info and png-info through the client, against a live emulator.
@Suite(.timeLimit(.minutes(2))) struct ModelAndMetadataTests {
    static func emulator() -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(2))
        configuration.models = ["alpha-xl", "beta"]
        configuration.loras = ["detail"]
        return configuration
    }

    @Test func pngInfoGivesBackWhatTheGenerationReallyUsed() async throws {
        try await withEmulatorClient(Self.emulator()) { client, _ in
            var request = smallTxt2Img(steps: 2)
            request.prompt = "a red fox <lora:detail:0.7> <lora:absent:1>"
            let result = try await client.txt2img(request)
            let image = try #require(result.images.first)
            let info = try await client.pngInfo(image)
            #expect(info.info == result.info?.infotexts.first)
            #expect(info.items["parameters"] == .string(info.info))
            #expect(info.parameters["Steps"] == .number(2))
            let infotext = try #require(info.infotext)
            #expect(infotext.prompt == "a red fox <lora:detail:0.7> <lora:absent:1>")
            #expect(infotext.model == "alpha-xl" && infotext.steps == 2 && infotext.seed == result.info?.seed)
            #expect(infotext.loras == ["detail"])
            #expect(try await client.loadedLoRAs() == ["detail"])
            #expect(try await client.loras().map(\.name) == ["detail"])
        }
    }

    @Test func loadCheckpointSwitchesAndReportsWhatSDNextReports() async throws {
        try await withEmulatorClient(Self.emulator()) { client, _ in
            #expect(try await client.models().map(\.modelName) == ["alpha-xl", "beta"])
            #expect(try await client.loadCheckpoint("beta"))
            #expect(try await client.checkpoint().name == "beta")
            #expect(try await !client.loadCheckpoint("beta"), "already loaded: SD.Next's reload returns None")
            #expect(try await client.loadCheckpoint("beta", force: true))
            var request = smallTxt2Img(steps: 2)
            request.overrideSettings = ["sd_model_checkpoint": .string("alpha-xl")]
            let overridden = try await client.txt2img(request)
            #expect(Infotext(parsing: try #require(overridden.info?.infotexts.first)).model == "alpha-xl")
            #expect(try await client.checkpoint().name == "beta", "restored afterwards")

            try await client.unloadCheckpoint()
            try await client.lockCheckpoint(true)
            // Locked, the unloaded model is not loaded on demand: 200 with no images, which the client reports.
            await #expect(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
            try await client.lockCheckpoint(false)
            #expect(try await client.txt2img(smallTxt2Img(steps: 2)).images.count == 1)
            #expect(try await !client.loadCheckpoint("nowhere"))
            #expect(try await !client.checkpoint().isLoaded)
        }
    }

    @Test func optionsInfoDecodes() async throws {
        try await withEmulatorClient(Self.emulator()) { client, _ in
            let info = try await client.optionsInfo()
            let model = try #require(info.options["sd_model_checkpoint"])
            #expect(model.label == "Base model" && model.component == "dropdown" && model.sectionID == "sd")
            #expect(model.componentArguments["choices"]?.arrayValue?.count == 2)
            #expect(info.options["samples_format"]?.defaultValue == .string("jpg"))
            #expect(info.sections.contains { $0.id == "saving-images" })
        }
    }

    @Test func pngInfoOfAnImageWithoutInfotext() async throws {
        try await withEmulatorClient(Self.emulator()) { client, _ in
            var output: UnsafeMutablePointer<UInt8>?
            var size = 0
            let pixels = [UInt8](repeating: 128, count: 8 * 8 * 3)
            _ = pixels.withUnsafeBufferPointer { easel_jpeg_encode($0.baseAddress, 8, 8, 90, &output, &size) }
            defer { easel_codec_free(output) }
            let info = try await client.pngInfo(EncodedImage(data: Data(UnsafeBufferPointer(start: output, count: size))))
            #expect(info.info == "" && info.infotext == nil && info.items.isEmpty && info.parameters.isEmpty)
        }
    }
}
