import CImageCodec
import EaselTesting
import Foundation
@testable import SDNextEmulator
import Testing

/// The infotext in image metadata (JPEG EXIF through libexif, PNG text through libpng), `png-info`, and
/// the routes SD.Next answers with an error at the reference commit.
@Suite(.timeLimit(.minutes(2))) struct ImageMetadataTests {
    static let body = #"{"prompt":"a red fox","negative_prompt":"blurry, dark","steps":3,"width":64,"height":48,"seed":77}"#

    static func generate(_ client: EmulatorClient, _ body: String = body) async throws -> (image: String, infotext: String) {
        let response = try await client.post("/sdapi/v1/txt2img", body).object()
        let image = try #require((response["images"] as? [String])?.first)
        let info = try JSONSerialization.jsonObject(with: Data(try #require(response["info"] as? String).utf8)) as? [String: Any]
        return (image, try #require((info?["infotexts"] as? [String])?.first))
    }

    static func pngInfo(_ client: EmulatorClient, _ image: String) async throws -> [String: Any] {
        let result = try await client.post("/sdapi/v1/png-info", #"{"image":"\#(image)"}"#)
        #expect(result.status == 200, "png-info: \(result.text)")
        return try result.object()
    }

    @Test func theInfotextIsSDNextsFormat() async throws {
        try await withEmulator { emulator in
            let (_, infotext) = try await Self.generate(EmulatorClient(emulator))
            #expect(
                infotext == "a red fox\nNegative prompt: blurry, dark\nSteps: 3, Size: 64x48, Scheduler: EulerDiscreteScheduler, "
                    + "Seed: 77, CFG scale: 6.0, CFG rescale: 0.0, App: SD.Next, Version: 058a7f0, "
                    + "Pipeline: StableDiffusionXLPipeline, Operations: txt2img, Model: sdxl-base-1.0, Model hash: 31e35c80fc")
        }
    }

    @Test func pngInfoReadsTheJPEGsEXIFAndThePNGsTextChunk() async throws {
        for format in [SamplesFormat.jpg, .png] {
            try await withEmulator(.testing(stepDuration: .milliseconds(2), samplesFormat: format)) { emulator in
                let client = EmulatorClient(emulator)
                let (image, infotext) = try await Self.generate(client)
                let answer = try await Self.pngInfo(client, image)
                #expect(answer["info"] as? String == infotext)
                #expect(answer["items"] as? [String: String] == ["parameters": infotext])
                let parameters = try #require(answer["parameters"] as? [String: Any])
                #expect(parameters["Prompt"] as? String == "a red fox")
                #expect(parameters["Negative prompt"] as? String == "blurry, dark")
                #expect(parameters["Steps"] as? Int == 3 && parameters["Seed"] as? Int == 77)
                #expect(parameters["Size"] as? String == "64x48" && parameters["Size-1"] as? Int == 64 && parameters["Size-2"] as? Int == 48)
                #expect(parameters["CFG scale"] as? Double == 6.0 && parameters["Model"] as? String == "sdxl-base-1.0")
                // A data URI is accepted too.
                let prefix = format == .jpg ? "data:image/jpeg;base64," : "data:image/png;base64,"
                #expect(try await Self.pngInfo(client, prefix + image)["info"] as? String == infotext)
            }
        }
    }

    @Test func theInfotextSurvivesADecodeAndReEncode() async throws {
        for format in [SamplesFormat.jpg, .png] {
            try await withEmulator(.testing(stepDuration: .milliseconds(2), samplesFormat: format)) { emulator in
                let client = EmulatorClient(emulator)
                let (image, infotext) = try await Self.generate(client)
                let original = [UInt8](try #require(Data(base64Encoded: image)))
                let reencoded = try #require(Self.reencodeKeepingMetadata(original))
                if format == .jpg { #expect(reencoded != original, "a JPEG re-encoded at another quality differs") }
                #expect(try await Self.pngInfo(client, Data(reencoded).base64EncodedString())["info"] as? String == infotext)
            }
        }
    }

    @Test func anImageResavedWithForeignEXIFIsRead() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let (image, _) = try await Self.generate(client)
            let foreign = try #require(Self.reencode([UInt8](Data(base64Encoded: image)!), exifTags: [(0x010f, "Canon"), (0x0131, "GIMP 2.10")]))
            let answer = try await Self.pngInfo(client, Data(foreign).base64EncodedString())
            #expect(answer["info"] as? String == "")
            #expect(answer["items"] as? [String: String] == ["Make": "Canon", "Software": "GIMP 2.10"])
            #expect((answer["parameters"] as? [String: Any])?.isEmpty == true)
            // Without any metadata at all.
            let bare = try #require(Self.reencode([UInt8](Data(base64Encoded: image)!), exifTags: nil))
            let plain = try await Self.pngInfo(client, Data(bare).base64EncodedString())
            #expect(plain["info"] as? String == "" && (plain["items"] as? [String: Any])?.isEmpty == true)
        }
    }

    @Test func pngInfoAnswersEmptyInputAndBadInputAsSDNext() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let empty = try await client.post("/sdapi/v1/png-info", #"{"image":"  "}"#)
            #expect(empty.status == 200 && empty.text == #"{"info":"","items":{},"parameters":{}}"#)
            let garbage = try await client.post("/sdapi/v1/png-info", #"{"image":"bm90IGFuIGltYWdl"}"#)
            #expect(garbage.status == 500)
            #expect(try garbage.object()["detail"] as? String == "Invalid encoded image")
            let missing = try await client.post("/sdapi/v1/png-info", "{}")
            #expect(missing.status == 422)
            #expect(try await client.get("/sdapi/v1/png-info").status == 405)
        }
    }

    @Test func schedulersFailAsTheirResponseModelRejectsTheDefaultRow() async throws {
        try await withEmulator { emulator in
            let result = try await EmulatorClient(emulator).get("/sdapi/v1/schedulers")
            #expect(result.status == 500)
            let body = try result.object()
            #expect(body["error"] as? String == "ResponseValidationError" && body["code"] as? Int == 500)
            let rows = try #require(body["body"] as? [[String: Any]])
            #expect(rows.first?["name"] as? String == "Default" && rows.first?["cls"] is NSNull)
            #expect((body["errors"] as? String)?.hasPrefix("1 validation error:\n  {'type': 'string_type', 'loc': ('response', 0, 'cls')") == true)
        }
    }

    @Test func extraSingleImageProcessesThenFailsAsSDNextDoes() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            for path in ["/sdapi/v1/extra-single-image", "/sdapi/v1/process"] {
                let result = try await client.post(path, #"{"image":"\#(samplePNGBase64())","upscaling_resize":2}"#)
                #expect(result.status == 500)
                let body = try result.object()
                #expect(body["error"] as? String == "ValidationError")
                #expect((body["errors"] as? String)?.contains("1 validation error for ResProcessImage\nhtml_info\n") == true)
            }
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            #expect(history.filter { $0["job"] as? String == "process" && $0["op"] as? String == "begin" }.count == 2)
            let tooLarge = try await client.post("/sdapi/v1/extra-single-image", #"{"image":"\#(samplePNGBase64())","upscaling_resize":9}"#)
            #expect(tooLarge.status == 422)
            let detail = try #require((try tooLarge.object()["detail"] as? [[String: Any]])?.first)
            #expect(detail["type"] as? String == "less_than_equal" && detail["msg"] as? String == "Input should be less than or equal to 8")
            #expect(try await client.post("/sdapi/v1/extra-single-image", "{}").status == 422)
        }
    }

    @Test func optionsInfoDescribesTheOptions() async throws {
        var configuration = EmulatorConfiguration.testing()
        configuration.models = ["one", "two"]
        try await withEmulator(configuration) { emulator in
            let body = try await EmulatorClient(emulator).get("/sdapi/v1/options-info").object()
            let options = try #require(body["options"] as? [String: [String: Any]])
            let model = try #require(options["sd_model_checkpoint"])
            #expect(model["label"] as? String == "Base model" && model["component"] as? String == "dropdown")
            #expect(((model["component_args"] as? [String: Any])?["choices"] as? [String])?.count == 2)
            #expect(options["jpeg_quality"]?["default"] as? Int == 90 && options["jpeg_quality"]?["type"] as? String == "number")
            let sections = try #require(body["sections"] as? [[String: Any]])
            #expect(sections.first?["id"] as? String == "sd" && sections.first?["title"] as? String == "Model Loading")
        }
    }

    // MARK: Re-encoding, as a script that edits and re-saves the image would

    /// Decodes, then encodes again with the metadata it carried (EXIF block or PNG text chunks).
    static func reencodeKeepingMetadata(_ bytes: [UInt8]) -> [UInt8]? {
        guard let image = ImageCodec.decode(bytes) else { return nil }
        let width = Int32(image.width), height = Int32(image.height)
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status: Int32
        if bytes.starts(with: [0xFF, 0xD8]) {
            var exif: UnsafeMutablePointer<UInt8>?
            var exifSize = 0
            guard bytes.withUnsafeBufferPointer({ easel_jpeg_read_exif($0.baseAddress, $0.count, &exif, &exifSize) }) == 0 else { return nil }
            defer { easel_codec_free(exif) }
            status = image.pixels.withUnsafeBufferPointer {
                easel_jpeg_encode_exif($0.baseAddress, width, height, 80, exif, exifSize, &output, &size)
            }
        } else {
            var texts: UnsafeMutablePointer<easel_png_text>?
            var count = 0
            guard bytes.withUnsafeBufferPointer({ easel_png_read_texts($0.baseAddress, $0.count, &texts, &count) }) == 0,
                let texts, count == 1
            else { return nil }
            defer { easel_png_texts_free(texts, count) }
            status = image.pixels.withUnsafeBufferPointer {
                easel_png_encode_text($0.baseAddress, width, height, texts[0].key, texts[0].text, texts[0].size, texts[0].utf8 == 0 ? 1 : 0, &output, &size)
            }
        }
        guard status == 0, let output else { return nil }
        defer { easel_codec_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Decodes a JPEG and encodes it again with ASCII EXIF tags of its own (or none).
    static func reencode(_ bytes: [UInt8], exifTags: [(tag: UInt16, value: String)]?) -> [UInt8]? {
        guard let image = ImageCodec.decode(bytes) else { return nil }
        let exif = exifTags.map(ImageMetadata.exifASCII)
        if exif?.isEmpty == true { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            (exif ?? []).withUnsafeBufferPointer {
                easel_jpeg_encode_exif(
                    pixels.baseAddress, Int32(image.width), Int32(image.height), 85, exif == nil ? nil : $0.baseAddress, $0.count,
                    &output, &size)
            }
        }
        guard status == 0, let output else { return nil }
        defer { easel_codec_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
