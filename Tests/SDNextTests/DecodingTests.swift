import DynamicJSON
import Foundation
import Testing

@testable import SDNext

/// Tolerant decoding of SD.Next's answers, from literal JSON in the shapes real servers send.
@Suite struct DecodingTests {
    private func json(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    private static let jpegBase64 = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]).base64EncodedString()
    private static let pngBase64 = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00]).base64EncodedString()

    @Test func infoAsJSONStringIsParsed() throws {
        let body = try json("""
            {"images":["\(Self.jpegBase64)"],"parameters":{"steps":20},
             "info":"{\\"seed\\": 42, \\"all_seeds\\": [42, 43], \\"infotexts\\": [\\"a cat\\\\nSteps: 20\\"]}"}
            """)
        let result = try GenerationResponseBody(json: body, status: 200, body: "")
        let info = try #require(result.info)
        #expect(info.seed == 42)
        #expect(info.allSeeds == [42, 43])
        #expect(info.infotexts == ["a cat\nSteps: 20"])
        #expect(result.rawInfo.hasPrefix("{\"seed\": 42"))
        #expect(result.parameters["steps"] == .number(20))
    }

    @Test func infoAsEmptyStringGivesNoInfo() throws {
        let body = try json(#"{"images":["\#(Self.pngBase64)"],"parameters":{},"info":""}"#)
        let result = try GenerationResponseBody(json: body, status: 200, body: "")
        #expect(result.info == nil)
        #expect(result.rawInfo == "")
    }

    @Test func infoAsObjectIsAccepted() throws {
        let body = try json(#"{"images":["\#(Self.jpegBase64)"],"info":{"seed":7,"all_seeds":[7],"extra":true}}"#)
        let result = try GenerationResponseBody(json: body, status: 200, body: "")
        #expect(result.info?.seed == 7)
        #expect(result.info?.raw["extra"] == .bool(true))
        #expect(result.rawInfo == #"{"all_seeds":[7],"extra":true,"seed":7}"#)
        #expect(result.parameters.isEmpty)
    }

    @Test func plainTextInfoIsKeptRaw() throws {
        let body = try json(#"{"images":["\#(Self.jpegBase64)"],"processed":["\#(Self.pngBase64)"],"info":"Control: canny"}"#)
        let result = try GenerationResponseBody(json: body, status: 200, body: "")
        #expect(result.info == nil)
        #expect(result.rawInfo == "Control: canny")
        #expect(result.processed.map(\.format) == [.png])
    }

    @Test func emptyImagesIsAnError() throws {
        let body = try json(#"{"images":[],"parameters":{},"info":""}"#)
        let error = try #require(throws: SDNextError.self) {
            try GenerationResponseBody(json: body, status: 200, body: "{}")
        }
        #expect(error.code == .emptyImages)
        #expect(error.status == 200)
    }

    @Test func imagesAreSniffedNotAssumed() throws {
        #expect(try EncodedImage(base64: Self.jpegBase64).format == .jpeg)
        #expect(try EncodedImage(base64: Self.pngBase64).format == .png)
        #expect(try EncodedImage(base64: "data:image/png;base64," + Self.jpegBase64).format == .jpeg)
        let webp = Data("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)
        #expect(try EncodedImage(base64: webp.base64EncodedString()).format == .webp)
        #expect(try EncodedImage(base64: Data("GIF89a".utf8).base64EncodedString()).format == .unknown)
        #expect(ImageFormat.jpeg.mimeType == "image/jpeg")
        #expect(ImageFormat.jpeg.fileExtension == "jpg")
    }

    @Test func invalidBase64IsADecodingError() {
        #expect(throws: SDNextError.self) { try EncodedImage(base64: "***") }
    }

    @Test(arguments: [
        (#"{"id": 0}"#, ProgressSnapshot.StageID.number(0)),
        (#"{"id": "1f19f6946566453"}"#, .text("1f19f6946566453")),
        (#"{"id": ""}"#, .none),
        (#"{"id": null}"#, .none),
        (#"{}"#, .none),
    ])
    func progressIDVariants(text: String, expected: ProgressSnapshot.StageID) throws {
        let snapshot = try JSONDecoder().decode(ProgressSnapshot.self, from: Data(text.utf8))
        #expect(snapshot.id == expected)
    }

    @Test func progressIgnoresUnknownKeysAndToleratesMissingOnes() throws {
        let text = """
            {"id":"abc","progress":0.45,"eta_relative":1.5,"current_task":"task(x)",
             "state":{"skipped":false,"interrupted":false,"job":"Inference","job_count":1,"job_no":0,
                      "sampling_step":9,"sampling_steps":20,"stopping_generation":false},
             "current_image":null}
            """
        let snapshot = try JSONDecoder().decode(ProgressSnapshot.self, from: Data(text.utf8))
        #expect(snapshot.progress == 0.45)
        #expect(snapshot.etaRelative == 1.5)
        #expect(snapshot.state.job == "Inference")
        #expect(snapshot.state.samplingStep == 9)
        #expect(snapshot.state.jobTimestamp == "0")
        #expect(snapshot.currentImage == nil)
        #expect(snapshot.textinfo == nil)
        #expect(snapshot.isSampling)
    }

    @Test func errorMessagesComeFromSDNextBodies() {
        let runtime = #"{"error":"RuntimeError","code":500,"detail":"","body":"","errors":"CUDA out of memory"}"#
        #expect(ErrorBodyMessage.extract(from: runtime, status: 500) == "CUDA out of memory")
        let http = #"{"error":"HTTPException","code":404,"detail":"Sampler not found","body":"","errors":"404: Sampler not found"}"#
        #expect(ErrorBodyMessage.extract(from: http, status: 404) == "Sampler not found")
        #expect(ErrorBodyMessage.extract(from: #"{"error":"Init image is none"}"#, status: 400) == "Init image is none")
        let validation = #"{"detail":[{"type":"int_parsing","loc":["body","steps"],"msg":"Input should be a valid integer"}]}"#
        #expect(ErrorBodyMessage.extract(from: validation, status: 422) == "body.steps: Input should be a valid integer")
        #expect(ErrorBodyMessage.extract(from: "Bad Gateway", status: 502) == "Bad Gateway")
        #expect(ErrorBodyMessage.extract(from: "", status: 503) == "HTTP 503 with an empty body")
    }

    @Test func requestsLeaveNilFieldsOut() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let txt = Txt2ImgRequest(
            GenerationFields(prompt: "a cat", steps: 8), nIter: 2, overrideSettings: ["samples_format": .string("png")])
        #expect(String(decoding: try encoder.encode(txt), as: UTF8.self)
            == #"{"n_iter":2,"override_settings":{"samples_format":"png"},"prompt":"a cat","steps":8}"#)
        var img = Img2ImgRequest(initImages: ["AAAA"], parameters: Txt2ImgRequest(GenerationFields(prompt: "dog")))
        img.denoisingStrength = 0.4
        #expect(String(decoding: try encoder.encode(img), as: UTF8.self)
            == #"{"denoising_strength":0.4,"init_images":["AAAA"],"prompt":"dog"}"#)
        let control = ControlRequest(batchCount: 2, widthBefore: 512, control: [ControlUnit(process: "Canny", strength: 0.5)])
        #expect(String(decoding: try encoder.encode(control), as: UTF8.self)
            == #"{"batch_count":2,"control":[{"process":"Canny","strength":0.5}],"width_before":512}"#)
    }

    @Test func otherRoutesDecodeLeniently() throws {
        let status = try JSONDecoder().decode(ServerStatus.self, from: Data(#"""
            {"status":"running","task":"Inference","timestamp":"20261127054754","current":"","id":"1f19f6946566453",
             "job":0,"jobs":1,"total":4,"step":10,"steps":20,"queued":0,"uptime":12,"elapsed":1.5,"eta":null,"progress":0.5}
            """#.utf8))
        #expect(status.isBusy && status.step == 10 && status.eta == nil && status.id == .text("1f19f6946566453"))
        let memory = try JSONDecoder().decode(MemoryInfo.self, from: Data(#"""
            {"ram":{"free":1,"used":2,"total":3},"cuda":{"error":"unavailable"}}
            """#.utf8))
        #expect(memory.ram?.total == 3 && memory.gpu == nil)
        let idle = try JSONDecoder().decode(CheckpointInfo.self, from: Data(#"{"type":null,"class":null}"#.utf8))
        #expect(!idle.isLoaded)
        let version = try JSONDecoder().decode(VersionInfo.self, from: Data(#"{"app":"sd.next","updated":"2026-07-14"}"#.utf8))
        #expect(version.isSDNext && version.hasPerStageProgress)
    }
}
