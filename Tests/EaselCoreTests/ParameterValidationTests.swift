import DynamicJSON
import EaselCore
import Foundation
import Testing

@Suite struct ParameterValidationTests {
    @Test func defaultsMatchTheOrigin() throws {
        let parameters = try JSONDecoder().decode(GenerationParameters.self, from: Data(#"{"prompt":"a cat"}"#.utf8))
        #expect(parameters == GenerationParameters(prompt: "a cat"))
        #expect(parameters.steps == 20 && parameters.samplerName == "DPM++ 2M" && parameters.cfgScale == 7)
        #expect(parameters.problems().isEmpty)
    }

    /// SD.Next's other txt2img fields are read with SD.Next's types; keys no Swift property names pass through.
    @Test func decodingReadsSDNextFieldsWithTheirTypes() throws {
        for body in [#"{"prompt":"a cat","steps":"many"}"#, #"{"prompt":"a cat","enable_hr":"maybe"}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(GenerationParameters.self, from: Data(body.utf8)) }
        }
        let extra = #"{"prompt":"a cat","n_iter":2,"styles":["x"],"enable_hr":true,"hdr_mode":1,"grading_hue":0.5}"#
        let parameters = try JSONDecoder().decode(GenerationParameters.self, from: Data(extra.utf8))
        #expect(parameters.kind == .txt2img)
        #expect(parameters.nIter == 2 && parameters.styles == ["x"] && parameters.enableHr == true)
        #expect(parameters.request.further == ["hdr_mode": .number(1), "grading_hue": .number(0.5)])
        #expect(parameters.sendImages == nil)
        let sent = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(parameters.request.further))
        #expect(sent["hdr_mode"] == .number(1))
    }

    @Test func encodingKeepsEveryKeyIncludingNulls() throws {
        let data = try JSONEncoder().encode(GenerationParameters(prompt: "a cat"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "kind", "prompt", "negative_prompt", "steps", "sampler_name", "cfg_scale", "width", "height", "seed",
            "batch_size", "n_iter", "denoising_strength",
        ])
        #expect(object["negative_prompt"] is NSNull)
        #expect(object["kind"] as? String == "txt2img")
        let stored = try GenerationParameters(stored: data)
        #expect(stored == GenerationParameters(prompt: "a cat"))
        // A stored job without the origin's keys stays without them (SD.Next applies its own defaults).
        let gateway = try GenerationParameters(stored: Data(#"{"kind":"control","width_before":64}"#.utf8))
        #expect(gateway.kind == .control && gateway.width == 64)
        #expect(gateway.steps == nil && gateway.samplerName == nil && gateway.height == nil && gateway.prompt == nil)
    }

    @Test(arguments: [
        (GenerationParameters(prompt: "  "), "prompt"),
        (GenerationParameters(prompt: "x", steps: 0), "steps"),
        (GenerationParameters(prompt: "x", steps: 151), "steps"),
        (GenerationParameters(prompt: "x", width: 513), "width"),
        (GenerationParameters(prompt: "x", height: 32), "height"),
        (GenerationParameters(prompt: "x", cfgScale: 0.5), "cfg_scale"),
        (GenerationParameters(prompt: "x", cfgScale: .nan), "cfg_scale"),
        (GenerationParameters(prompt: "x", seed: -2), "seed"),
        (GenerationParameters(prompt: "x", batchSize: 9), "batch_size"),
        (GenerationParameters(prompt: "x", nIter: 0), "n_iter"),
        (GenerationParameters(prompt: "x", denoisingStrength: 1.5), "denoising_strength"),
        (GenerationParameters(prompt: "x", samplerName: ""), "sampler_name"),
        (GenerationParameters(prompt: String(repeating: "a", count: 4_001)), "prompt"),
    ])
    func outOfBoundsValuesNameTheirField(parameters: GenerationParameters, field: String) {
        #expect(parameters.problems().map(\.field) == [field])
    }

    @Test func statusWordsNormalizeLikeTheOrigin() {
        #expect(JobStatus(normalizing: "pending") == .queued)
        #expect(JobStatus(normalizing: "running") == .processing)
        #expect(JobStatus(normalizing: "retrying") == .processing)
        #expect(JobStatus(normalizing: "succeeded") == .completed)
        #expect(JobStatus(normalizing: "cancelled") == .cancelled)
        #expect(JobStatus(normalizing: "whatever") == .processing)
    }
}
