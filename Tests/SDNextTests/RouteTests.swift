import DynamicJSON
import Foundation
import SDNext
import SDNextEmulator
import Testing

/// Every route's typed result against a live emulator over loopback.
@Suite(.timeLimit(.minutes(1))) struct RouteTests {
    @Test func serverInformationRoutes() async throws {
        try await withEmulatorClient { client, _ in
            let version = try await client.version()
            #expect(version.isSDNext)
            #expect(version.hasPerStageProgress)

            let models = try await client.models()
            #expect(!models.isEmpty)
            #expect(models.allSatisfy { !$0.title.isEmpty && !$0.modelName.isEmpty })

            let samplers = try await client.samplers()
            #expect(samplers.contains { $0.name == "Euler a" })

            let checkpoint = try await client.checkpoint()
            #expect(checkpoint.isLoaded)
            #expect(models.contains { $0.title == checkpoint.title })

            let memory = try await client.memory()
            #expect((memory.ram?.total ?? 0) > 0)

            let status = try await client.status()
            #expect(status.status == "idle")
            #expect(!status.isBusy)
        }
    }

    @Test func optionsReadAndWrite() async throws {
        try await withEmulatorClient { client, _ in
            let options = try await client.options()
            #expect(options["samples_format"] == JSONValue.string("jpg"))
            #expect(options["sd_model_checkpoint"]?.stringValue != nil)

            let updated = try await client.setOptions(["samples_format": .string("png"), "no_such_option_here": .bool(true)])
            #expect(updated["samples_format"] == true)
            #expect(updated["no_such_option_here"] == false)
            #expect(try await client.options()["samples_format"] == JSONValue.string("png"))
        }
    }

    @Test func idleProgressRoutes() async throws {
        try await withEmulatorClient { client, _ in
            let progress = try await client.progress()
            #expect(progress.id == .number(0))
            #expect(progress.progress == 0)
            #expect(progress.state.job == "")
            #expect(progress.state.jobTimestamp == "0")
            #expect(progress.currentImage == nil)

            let uiProgress = try await client.internalProgress(taskID: nil)
            #expect(uiProgress.job == "")
            #expect(uiProgress.livePreview == nil)

            try await client.interrupt()
            try await client.skip()
        }
    }

    @Test func txt2imgReturnsSniffedImagesAndParsedInfo() async throws {
        try await withEmulatorClient { client, _ in
            var request = smallTxt2Img(steps: 3, nIter: 2, seed: 4242)
            request.batchSize = 2
            let result = try await client.txt2img(request)
            #expect(result.images.count == 4)
            #expect(result.images.allSatisfy { $0.format == .jpeg })
            let info = try #require(result.info)
            #expect(info.seed == 4242)
            #expect(info.allSeeds == [4242, 4243, 4244, 4245])
            #expect(info.infotexts.count == 4)
            #expect(info.infotexts.first?.contains("Steps: 3") == true)
            #expect(result.rawInfo.hasPrefix("{"))
            #expect(result.parameters["steps"]?.intValue == 3)
            #expect(result.parameters["cfg_scale"]?.doubleValue == 6)

            _ = try await client.setOptions(["samples_format": .string("png")])
            let png = try await client.txt2img(smallTxt2Img(steps: 2))
            #expect(png.images.map(\.format) == [.png])
        }
    }

    @Test func img2imgAndControlUseTheirOwnFields() async throws {
        try await withEmulatorClient { client, _ in
            let source = try await client.txt2img(smallTxt2Img(steps: 2))
            var img2img = Img2ImgRequest(initImages: source.images, parameters: smallTxt2Img(steps: 10))
            img2img.denoisingStrength = 0.3
            let varied = try await client.img2img(img2img)
            #expect(varied.images.count == 1)
            #expect(varied.parameters["denoising_strength"]?.doubleValue == 0.3)

            let control = ControlRequest(
                GenerationFields(prompt: "a red fox", steps: 2),
                batchCount: 1,
                widthBefore: 64,
                heightBefore: 64,
                control: [ControlUnit(process: "Canny", model: nil, strength: 1, override: source.images[0].base64)]
            )
            let controlled = try await client.control(control)
            #expect(controlled.images.count == 1)
            #expect(!controlled.processed.isEmpty)
        }
    }

    @Test func sdNextErrorsCarryStatusAndMessage() async throws {
        try await withEmulatorClient { client, _ in
            var request = smallTxt2Img(steps: 2)
            request.samplerName = "DPM++ 2M Karras"
            let error = try await #require(throws: SDNextError.self) { try await client.txt2img(request) }
            #expect(error.code == .httpStatus)
            #expect(error.status == 404)
            #expect(error.message == "Sampler not found")
            #expect(error.body?.contains("HTTPException") == true)

            let missingInit = try await #require(throws: SDNextError.self) {
                try await client.img2img(Img2ImgRequest(initImages: [], parameters: smallTxt2Img(steps: 2)))
            }
            #expect(missingInit.status == 400)
        }
    }
}
