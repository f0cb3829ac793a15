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
            OriginKey.prompt.rawValue: request.prompt.map(JSONValue.string) ?? .null,
            OriginKey.negativePrompt.rawValue: request.negativePrompt.map(JSONValue.string) ?? .null,
            OriginKey.steps.rawValue: number(request.steps),
            OriginKey.samplerName.rawValue: request.samplerName.map(JSONValue.string) ?? .null,
            OriginKey.cfgScale.rawValue: request.cfgScale.map(JSONValue.number) ?? .null,
            OriginKey.width.rawValue: number(request.width),
            OriginKey.height.rawValue: number(request.height),
            OriginKey.seed.rawValue: number(request.seed),
            OriginKey.batchSize.rawValue: number(request.batchSize),
            OriginKey.nIter.rawValue: number(request.nIter),
            OriginKey.denoisingStrength.rawValue: request.denoisingStrength.map(JSONValue.number) ?? .null,
        ])
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension GenerationParameters {
    /// Absent keys take the origin's defaults; a key of the wrong type fails with its coding path, which the API
    /// turns into a 422 naming the field. Keys beyond the origin's are neither read nor checked.
    public init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: OriginKey.self)
        self.init(prompt: try body.decode(String.self, forKey: .prompt))
        func take<Value: Decodable>(_ key: OriginKey, _ field: WritableKeyPath<Txt2ImgRequest, Value?>) throws {
            if let value = try body.decodeIfPresent(Value.self, forKey: key) { request[keyPath: field] = value }
        }
        try take(.negativePrompt, \.negativePrompt)
        try take(.steps, \.steps)
        try take(.samplerName, \.samplerName)
        try take(.cfgScale, \.cfgScale)
        try take(.width, \.width)
        try take(.height, \.height)
        try take(.seed, \.seed)
        try take(.batchSize, \.batchSize)
        try take(.nIter, \.nIter)
        try take(.denoisingStrength, \.denoisingStrength)
    }

    /// The origin's `SDNextGenerationParams` keys.
    private enum OriginKey: String, CodingKey {
        case prompt
        case negativePrompt = "negative_prompt"
        case steps
        case samplerName = "sampler_name"
        case cfgScale = "cfg_scale"
        case width, height, seed
        case batchSize = "batch_size"
        case nIter = "n_iter"
        case denoisingStrength = "denoising_strength"
    }
}
