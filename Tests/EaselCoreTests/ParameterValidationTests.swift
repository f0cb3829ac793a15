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

    /// Only the origin's keys are read: others (SD.Next's, or anything) neither change the job nor fail the body.
    @Test func decodingReadsTheOriginsKeysOnly() throws {
        let body = #"{"prompt":"a cat","steps":"many"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(GenerationParameters.self, from: Data(body.utf8)) }
        let extra = #"{"prompt":"a cat","n_iter":2,"styles":"x","enable_hr":"maybe","send_images":false}"#
        let parameters = try JSONDecoder().decode(GenerationParameters.self, from: Data(extra.utf8))
        #expect(parameters.nIter == 2 && parameters.styles == nil && parameters.enableHr == nil)
        #expect(parameters.request.sendImages == nil)
    }

    @Test func encodingKeepsEveryKeyIncludingNulls() throws {
        let data = try JSONEncoder().encode(GenerationParameters(prompt: "a cat"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "prompt", "negative_prompt", "steps", "sampler_name", "cfg_scale", "width", "height", "seed",
            "batch_size", "n_iter", "denoising_strength",
        ])
        #expect(object["negative_prompt"] is NSNull)
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
