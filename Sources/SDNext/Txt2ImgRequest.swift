import DynamicJSON
/// The body of `POST /sdapi/v1/txt2img`.
///
/// Every field is optional and nil fields are left out of the JSON, so SD.Next applies its own default
/// (20 steps, 1024×1024, cfg 6, sampler "Default", seed -1). Sending `null` instead would pass SD.Next's
/// validation and then break processing, which is why nothing is ever sent as null.
public struct Txt2ImgRequest: Sendable, Encodable, Equatable {
    public var prompt: String?
    public var negativePrompt: String?
    public var steps: Int?
    /// A name from `/sdapi/v1/samplers` or `"Default"`; unknown names get 404 "Sampler not found".
    public var samplerName: String?
    public var cfgScale: Double?
    public var width: Int?
    public var height: Int?
    /// -1 (SD.Next's default) picks a random seed.
    public var seed: Int?
    public var batchSize: Int?
    public var nIter: Int?
    public var denoisingStrength: Double?
    public var enableHr: Bool?
    public var hrScale: Double?
    public var hrSecondPassSteps: Int?
    /// Switches the loaded model persistently before generating; an unknown name gives 200 with no images.
    public var sdModelCheckpoint: String?
    public var sendImages: Bool?
    public var saveImages: Bool?
    /// Option overrides for this request only, keyed by SD.Next option name (snake_case, sent verbatim).
    public var overrideSettings: [String: JSONValue]?

    public init(
        prompt: String? = nil,
        negativePrompt: String? = nil,
        steps: Int? = nil,
        samplerName: String? = nil,
        cfgScale: Double? = nil,
        width: Int? = nil,
        height: Int? = nil,
        seed: Int? = nil,
        batchSize: Int? = nil,
        nIter: Int? = nil,
        denoisingStrength: Double? = nil,
        enableHr: Bool? = nil,
        hrScale: Double? = nil,
        hrSecondPassSteps: Int? = nil,
        sdModelCheckpoint: String? = nil,
        sendImages: Bool? = nil,
        saveImages: Bool? = nil,
        overrideSettings: [String: JSONValue]? = nil
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
        self.enableHr = enableHr
        self.hrScale = hrScale
        self.hrSecondPassSteps = hrSecondPassSteps
        self.sdModelCheckpoint = sdModelCheckpoint
        self.sendImages = sendImages
        self.saveImages = saveImages
        self.overrideSettings = overrideSettings
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
        case enableHr = "enable_hr"
        case hrScale = "hr_scale"
        case hrSecondPassSteps = "hr_second_pass_steps"
        case sdModelCheckpoint = "sd_model_checkpoint"
        case sendImages = "send_images"
        case saveImages = "save_images"
        case overrideSettings = "override_settings"
    }
}
