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

    /// Every key is written, `null` included, as the origin's socket did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(negativePrompt, forKey: .negativePrompt)
        try container.encode(steps, forKey: .steps)
        try container.encode(samplerName, forKey: .samplerName)
        try container.encode(cfgScale, forKey: .cfgScale)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(seed, forKey: .seed)
        try container.encode(batchSize, forKey: .batchSize)
        try container.encode(nIter, forKey: .nIter)
        try container.encode(denoisingStrength, forKey: .denoisingStrength)
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
