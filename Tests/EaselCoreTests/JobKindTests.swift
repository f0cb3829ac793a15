import DynamicJSON
import EaselCore
import Foundation
import SDNextModels
import Testing

/// `kind` picks the SD.Next body a job sends; each kind keeps the origin's defaults and checks its own images.
@Suite struct JobKindTests {
    private func decode(_ body: String) throws -> GenerationParameters {
        try JSONDecoder().decode(GenerationParameters.self, from: Data(body.utf8))
    }

    @Test func img2imgReadsItsImagesAndInpaintFields() throws {
        let parameters = try decode(#"""
            {"kind":"img2img","prompt":"a cat","init_images":["aGk="],"mask":"bWFzaw==","mask_blur":8,
             "inpainting_fill":1,"inpaint_full_res":true,"denoising_strength":0.6,"resize_mode":1,"hr_scale":2}
            """#)
        guard case .img2img(let body) = parameters.request else { Issue.record("not img2img"); return }
        #expect(body.initImages == ["aGk="] && body.mask == "bWFzaw==" && body.maskBlur == 8 && body.inpaintingFill == 1)
        #expect(body.inpaintFullRes == true && body.resizeMode == 1 && body.hrScale == 2)
        #expect(parameters.denoisingStrength == 0.6 && parameters.width == 512 && parameters.steps == 20)
        #expect(body.parameters.further.isEmpty)
        #expect(parameters.problems().isEmpty)
        #expect(try decode(#"{"kind":"img2img","prompt":"a cat"}"#).problems().map(\.field) == ["init_images"])
    }

    @Test func controlUsesItsOwnSizeAndIterationKeys() throws {
        let parameters = try decode(#"""
            {"kind":"control","prompt":"a cat","width_before":256,"batch_count":2,
             "control":[{"process":"Canny","model":"c","strength":0.8,"start":0,"end":1,"fidelity":0.5,"x":1}]}
            """#)
        guard case .control(let body) = parameters.request else { Issue.record("not control"); return }
        #expect(body.widthBefore == 256 && body.heightBefore == 512 && body.batchCount == 2)
        #expect(body.control?.first?.fidelity == 0.5 && body.control?.first?.further == ["x": .number(1)])
        #expect(parameters.sizeKeys.width == "width_before")
        var wide = parameters
        wide.width = 4000
        #expect(wide.problems().map(\.field) == ["width_before"])
    }

    @Test func controlInputsMoveIntoTheUnitsWhenSent() throws {
        var request = ControlRequest(inputs: ["one", "two"], control: [ControlUnit(), ControlUnit(image: "own"), ControlUnit()])
        request.inits = ["init"]
        let sent = request.withImagesInUnits
        #expect(sent.inputs == nil && sent.inits == nil && sent.initControl == ["init"])
        #expect(sent.control?.map(\.override) == ["one", nil, "two"])
        #expect(ControlRequest(inputs: ["only"]).withImagesInUnits.control?.map(\.override) == ["only"])
        let tooMany = try decode(#"{"kind":"control","prompt":"x","inputs":["a","b"],"control":[{}]}"#)
        #expect(tooMany.problems().map(\.field) == ["inputs"])
    }

    @Test func imagesAreNamedByTheirField() throws {
        var request = try decode(#"""
            {"kind":"control","prompt":"x","inputs":["a"],"mask":"m","control":[{"image":"b"},{"override":"c"}]}
            """#).request
        var fields: [String] = []
        request.mapImages { field, image in
            fields.append(field)
            return image.uppercased()
        }
        #expect(fields == ["inputs.0", "mask", "control.0.image", "control.1.override"])
        guard case .control(let body) = request else { return }
        #expect(body.inputs == ["A"] && body.control?.last?.override == "C")
    }

    /// Fields no Swift property names are checked against the types SD.Next's signatures declare, as laxly as
    /// pydantic; fields SD.Next's signatures do not declare pass unchecked.
    @Test func furtherFieldsAreCheckedWithSDNextsTypes() throws {
        #expect(throws: DecodingError.self) { try decode(#"{"prompt":"x","hdr_mode":"bright"}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"prompt":"x","hdr_clamp":[true]}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"prompt":"x","kind":"control","input_type":1.5}"#) }
        // `control_run` gives `input_type: int` no Optional, so pydantic refuses an explicit null there.
        #expect(throws: DecodingError.self) { try decode(#"{"prompt":"x","kind":"control","input_type":null}"#) }
        #expect(try decode(#"{"prompt":"x","kind":"control","units":null}"#).request.further["units"] == .null)
        let lax = try decode(#"{"prompt":"x","hdr_mode":"2","hdr_clamp":1,"grading_hue":3,"face":{"mode":"a"}}"#)
        #expect(lax.request.further["hdr_mode"] == .string("2") && lax.request.further["face"] != nil)
    }

    /// The refusal carries pydantic's reason, so Easel's 422 says what SD.Next's would.
    @Test func aRefusedFurtherFieldGivesPydanticsReason() throws {
        let error = try #require(throws: DecodingError.self) { try decode(#"{"prompt":"x","hdr_mode":"bright"}"#) }
        guard case .dataCorrupted(let context) = error else { Issue.record("\(error)"); return }
        #expect(context.codingPath.last?.stringValue == "hdr_mode")
        #expect(context.debugDescription == "Input should be a valid integer, unable to parse string as an integer")
        // A list names each bad item by its index.
        let mixed = JSONValue.array([.string("a"), .number(3), .bool(true)])
        guard case .failure(let items) = SDNextFieldType.stringList.coerce(mixed, field: "s") else {
            Issue.record("accepted")
            return
        }
        #expect(items.reason == "1: Input should be a valid string; 2: Input should be a valid string")
    }

    @Test func anUnknownKindIsRefused() {
        #expect(throws: DecodingError.self) { try decode(#"{"kind":"video","prompt":"x"}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"kind":3,"prompt":"x"}"#) }
    }
}
