import DynamicJSON

/// What a client asks SD.Next to draw. The eleven keys and their defaults are the origin system's
/// `SDNextGenerationParams`, so its clients' request bodies work unchanged.
public struct GenerationParameters: Sendable, Equatable, Codable {
    public var prompt: String
    public var negativePrompt: String?
    public var steps: Int
    public var samplerName: String
    public var cfgScale: Double
    public var width: Int
    public var height: Int
    public var seed: Int
    public var batchSize: Int
    public var nIter: Int
    public var denoisingStrength: Double?

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
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.samplerName = samplerName
        self.cfgScale = cfgScale
        self.width = width
        self.height = height
        self.seed = seed
        self.batchSize = batchSize
        self.nIter = nIter
        self.denoisingStrength = denoisingStrength
    }

    enum CodingKeys: String, CodingKey {
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

    /// The parameters as a JSON object with every key, `null` included, as the origin's socket sent them. Views
    /// embed it without a trip through an encoder and a decoder; `encode(to:)` writes the same object.
    public var json: JSONValue {
        func number(_ value: Int) -> JSONValue { .number(Double(value)) }
        return .object([
            CodingKeys.prompt.rawValue: .string(prompt),
            CodingKeys.negativePrompt.rawValue: negativePrompt.map(JSONValue.string) ?? .null,
            CodingKeys.steps.rawValue: number(steps),
            CodingKeys.samplerName.rawValue: .string(samplerName),
            CodingKeys.cfgScale.rawValue: .number(cfgScale),
            CodingKeys.width.rawValue: number(width),
            CodingKeys.height.rawValue: number(height),
            CodingKeys.seed.rawValue: number(seed),
            CodingKeys.batchSize.rawValue: number(batchSize),
            CodingKeys.nIter.rawValue: number(nIter),
            CodingKeys.denoisingStrength.rawValue: denoisingStrength.map(JSONValue.number) ?? .null,
        ])
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

extension GenerationParameters {
    /// Absent keys take the origin's defaults; a key of the wrong type fails with its coding path,
    /// which the API turns into a 422 naming the field.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GenerationParameters(prompt: "")
        self.init(
            prompt: try container.decode(String.self, forKey: .prompt),
            negativePrompt: try container.decodeIfPresent(String.self, forKey: .negativePrompt),
            steps: try container.decodeIfPresent(Int.self, forKey: .steps) ?? defaults.steps,
            samplerName: try container.decodeIfPresent(String.self, forKey: .samplerName) ?? defaults.samplerName,
            cfgScale: try container.decodeIfPresent(Double.self, forKey: .cfgScale) ?? defaults.cfgScale,
            width: try container.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width,
            height: try container.decodeIfPresent(Int.self, forKey: .height) ?? defaults.height,
            seed: try container.decodeIfPresent(Int.self, forKey: .seed) ?? defaults.seed,
            batchSize: try container.decodeIfPresent(Int.self, forKey: .batchSize) ?? defaults.batchSize,
            nIter: try container.decodeIfPresent(Int.self, forKey: .nIter) ?? defaults.nIter,
            denoisingStrength: try container.decodeIfPresent(Double.self, forKey: .denoisingStrength)
        )
    }
}
