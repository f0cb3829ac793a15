import DynamicJSON
import SDNextModels

/// What a client asks SD.Next to draw: the SD.Next request a job sends, with the origin system's defaults.
///
/// The origin's `SDNextGenerationParams` has eleven keys (`prompt` required; steps 20, sampler "DPM++ 2M", cfg 7,
/// 512×512, seed -1, one image, one iteration) and its clients' bodies must work unchanged, so those are the
/// keys decoded and always set; the fields themselves are SD.Next's (`Txt2ImgRequest`), read and written
/// directly: `parameters.steps`.
@dynamicMemberLookup
public struct GenerationParameters: Sendable, Equatable, Codable {
    /// The body sent to SD.Next's txt2img.
    public var request: Txt2ImgRequest

    public init(
        prompt: String,
        negativePrompt: String? = nil,
        steps: Int = 20,
        samplerName: String = "DPM++ 2M",
        cfgScale: Double = 7.0,
        width: Int = 512,
        height: Int = 512,
        seed: Int = -1,
        batchSize: Int = 1,
        nIter: Int = 1,
        denoisingStrength: Double? = nil
    ) {
        request = Txt2ImgRequest(GenerationFields(prompt: prompt, negativePrompt: negativePrompt))
        request.steps = steps
        request.samplerName = samplerName
        request.cfgScale = cfgScale
        request.width = width
        request.height = height
        request.seed = seed
        request.batchSize = batchSize
        request.nIter = nIter
        request.denoisingStrength = denoisingStrength
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Txt2ImgRequest, Value>) -> Value {
        get { request[keyPath: keyPath] }
        set { request[keyPath: keyPath] = newValue }
    }

    /// The origin's keys, each present (`null` when unset), as its socket sent them. Views embed it without a trip
    /// through an encoder and a decoder; `encode(to:)` writes the same object.
    public var json: JSONValue {
        func number(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        return .object([
            "prompt": request.prompt.map(JSONValue.string) ?? .null,
            "negative_prompt": request.negativePrompt.map(JSONValue.string) ?? .null,
            "steps": number(request.steps),
            "sampler_name": request.samplerName.map(JSONValue.string) ?? .null,
            "cfg_scale": request.cfgScale.map(JSONValue.number) ?? .null,
            "width": number(request.width),
            "height": number(request.height),
            "seed": number(request.seed),
            "batch_size": number(request.batchSize),
            "n_iter": number(request.nIter),
            "denoising_strength": request.denoisingStrength.map(JSONValue.number) ?? .null,
        ])
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension GenerationParameters {
    /// Absent keys take the origin's defaults; a key of the wrong type fails with its coding path, which the API
    /// turns into a 422 naming the field. Keys beyond the origin's are not taken from a client.
    public init(from decoder: any Decoder) throws {
        let prompt = try decoder.container(keyedBy: PromptKey.self).decode(String.self, forKey: .prompt)
        let sent = try Txt2ImgRequest(from: decoder)
        self.init(prompt: prompt)
        func take<Value>(_ field: WritableKeyPath<Txt2ImgRequest, Value?>) {
            if let value = sent[keyPath: field] { request[keyPath: field] = value }
        }
        take(\.negativePrompt)
        take(\.steps)
        take(\.samplerName)
        take(\.cfgScale)
        take(\.width)
        take(\.height)
        take(\.seed)
        take(\.batchSize)
        take(\.nIter)
        take(\.denoisingStrength)
    }

    private enum PromptKey: String, CodingKey { case prompt }
}
