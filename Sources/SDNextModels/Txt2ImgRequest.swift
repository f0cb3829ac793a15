import DynamicJSON

/// The body of `POST /sdapi/v1/txt2img`: the shared generation fields (reachable directly, `request.steps = 30`)
/// and the ones SD.Next's processing model adds for txt2img and img2img. One flat JSON object on the wire; nil
/// fields are not sent, so SD.Next applies its defaults (1024×1024, one iteration). Decoding keeps the keys no
/// property names in `further`, so a body passes through whole.
@dynamicMemberLookup
public struct Txt2ImgRequest: Sendable, Codable, Equatable {
    public var generation: GenerationFields
    public var width: Int?
    public var height: Int?
    /// Iterations (control calls them `batch_count`).
    public var nIter: Int?
    /// Used only when `samplerName` is empty.
    public var samplerIndex: SamplerIndex?
    public var hrSamplerName: String?
    /// Switches the loaded model persistently before generating; an unknown name gives 200 with no images.
    public var sdModelCheckpoint: String?
    /// Option overrides for this request only, keyed by SD.Next option name (snake_case, sent verbatim).
    public var overrideSettings: [String: JSONValue]?
    /// true (SD.Next's default) restores the overridden options, the model included, after the request.
    public var overrideSettingsRestoreAfterwards: Bool?
    /// Every other field of the body, sent as it came (`hr_upscaler`-like fields Swift does not name).
    public var further: FurtherFields = [:]

    public init(
        _ generation: GenerationFields = GenerationFields(),
        width: Int? = nil,
        height: Int? = nil,
        nIter: Int? = nil,
        sdModelCheckpoint: String? = nil,
        overrideSettings: [String: JSONValue]? = nil
    ) {
        self.generation = generation
        self.width = width
        self.height = height
        self.nIter = nIter
        self.sdModelCheckpoint = sdModelCheckpoint
        self.overrideSettings = overrideSettings
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<GenerationFields, Value>) -> Value {
        get { generation[keyPath: keyPath] }
        set { generation[keyPath: keyPath] = newValue }
    }

    enum CodingKeys: String, DeclaredKeys {
        case width, height
        case nIter = "n_iter"
        case samplerIndex = "sampler_index"
        case hrSamplerName = "hr_sampler_name"
        case sdModelCheckpoint = "sd_model_checkpoint"
        case overrideSettings = "override_settings"
        case overrideSettingsRestoreAfterwards = "override_settings_restore_afterwards"
    }

    public init(from decoder: any Decoder) throws {
        generation = try GenerationFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        width = try container.decodeIfPresent(Int.self, forKey: .width)
        height = try container.decodeIfPresent(Int.self, forKey: .height)
        nIter = try container.decodeIfPresent(Int.self, forKey: .nIter)
        samplerIndex = try container.decodeIfPresent(SamplerIndex.self, forKey: .samplerIndex)
        hrSamplerName = try container.decodeIfPresent(String.self, forKey: .hrSamplerName)
        sdModelCheckpoint = try container.decodeIfPresent(String.self, forKey: .sdModelCheckpoint)
        overrideSettings = try container.decodeIfPresent([String: JSONValue].self, forKey: .overrideSettings)
        overrideSettingsRestoreAfterwards = try container.decodeIfPresent(
            Bool.self, forKey: .overrideSettingsRestoreAfterwards)
        further = try decoder.furtherFields(
            known: GenerationFields.CodingKeys.names.union(CodingKeys.names), fields: SDNextField.txt2img)
    }

    public func encode(to encoder: any Encoder) throws {
        try generation.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(width, forKey: .width)
        try container.encodeIfPresent(height, forKey: .height)
        try container.encodeIfPresent(nIter, forKey: .nIter)
        try container.encodeIfPresent(samplerIndex, forKey: .samplerIndex)
        try container.encodeIfPresent(hrSamplerName, forKey: .hrSamplerName)
        try container.encodeIfPresent(sdModelCheckpoint, forKey: .sdModelCheckpoint)
        try container.encodeIfPresent(overrideSettings, forKey: .overrideSettings)
        try container.encodeIfPresent(overrideSettingsRestoreAfterwards, forKey: .overrideSettingsRestoreAfterwards)
        try encoder.encodeFurther(further)
    }
}
