import DynamicJSON

/// The generation fields SD.Next's txt2img, img2img and control request models all declare under the same
/// names, so every request type is built from this one set (`Txt2ImgRequest`, `ControlRequest`, Easel's job
/// parameters).
///
/// Every field is optional and nil fields are left out of the JSON, so SD.Next applies its own default (20 steps,
/// cfg 6, sampler "Default", seed -1). Sending `null` instead would pass SD.Next's validation of most fields and
/// then break processing, and `sampler_name`, `send_images` and `save_images` refuse it with 422.
public struct GenerationFields: Sendable, Codable, Equatable {
    public var prompt: String?
    public var negativePrompt: String?
    /// Names from `/sdapi/v1/prompt-styles`.
    public var styles: [String]?
    public var steps: Int?
    /// A name from `/sdapi/v1/samplers` or `"Default"`; an unknown name gets 404 "Sampler not found" (txt2img and
    /// img2img) or silently runs "Default" (control).
    public var samplerName: String?
    /// -1 (SD.Next's default) picks a random seed.
    public var seed: Int?
    public var subseed: Int?
    public var subseedStrength: Double?
    public var cfgScale: Double?
    public var cfgEnd: Double?
    public var cfgRescale: Double?
    public var clipSkip: Int?
    public var batchSize: Int?
    public var denoisingStrength: Double?
    /// `"Full"` or `"Tiny"` (TAESD decode).
    public var vaeType: String?
    public var tiling: Bool?
    public var hidiffusion: Bool?
    public var enableHr: Bool?
    public var hrScale: Double?
    public var hrUpscaler: String?
    public var hrForce: Bool?
    /// Steps of the hires pass; 0 repeats the base pass's count.
    public var hrSecondPassSteps: Int?
    public var hrResizeX: Int?
    public var hrResizeY: Int?
    public var hrDenoisingStrength: Double?
    public var refinerSteps: Int?
    public var refinerStart: Double?
    public var refinerPrompt: String?
    public var refinerNegative: String?
    public var detailerEnabled: Bool?
    public var detailerPrompt: String?
    public var detailerNegative: String?
    public var detailerSteps: Int?
    public var detailerStrength: Double?
    /// false returns `images: []`.
    public var sendImages: Bool?
    /// Also sets `do_not_save_samples`; a grid is returned only with this on and more than one image.
    public var saveImages: Bool?
    /// A selectable script's title; SD.Next logs and ignores an unknown one.
    public var scriptName: String?
    public var scriptArgs: [JSONValue]?
    /// `{"<script title>": {"args": [...]}}`; an unknown title gets 422.
    public var alwaysonScripts: [String: JSONValue]?
    /// Set directly as attributes on SD.Next's processing object.
    public var extra: [String: JSONValue]?

    /// The fields most requests set; the others are set by name (`fields.hrScale = 1.5`).
    public init(
        prompt: String? = nil,
        negativePrompt: String? = nil,
        steps: Int? = nil,
        samplerName: String? = nil,
        seed: Int? = nil,
        cfgScale: Double? = nil,
        batchSize: Int? = nil,
        denoisingStrength: Double? = nil
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.samplerName = samplerName
        self.seed = seed
        self.cfgScale = cfgScale
        self.batchSize = batchSize
        self.denoisingStrength = denoisingStrength
    }

    enum CodingKeys: String, DeclaredKeys {
        case prompt
        case negativePrompt = "negative_prompt"
        case styles, steps
        case samplerName = "sampler_name"
        case seed, subseed
        case subseedStrength = "subseed_strength"
        case cfgScale = "cfg_scale"
        case cfgEnd = "cfg_end"
        case cfgRescale = "cfg_rescale"
        case clipSkip = "clip_skip"
        case batchSize = "batch_size"
        case denoisingStrength = "denoising_strength"
        case vaeType = "vae_type"
        case tiling, hidiffusion
        case enableHr = "enable_hr"
        case hrScale = "hr_scale"
        case hrUpscaler = "hr_upscaler"
        case hrForce = "hr_force"
        case hrSecondPassSteps = "hr_second_pass_steps"
        case hrResizeX = "hr_resize_x"
        case hrResizeY = "hr_resize_y"
        case hrDenoisingStrength = "hr_denoising_strength"
        case refinerSteps = "refiner_steps"
        case refinerStart = "refiner_start"
        case refinerPrompt = "refiner_prompt"
        case refinerNegative = "refiner_negative"
        case detailerEnabled = "detailer_enabled"
        case detailerPrompt = "detailer_prompt"
        case detailerNegative = "detailer_negative"
        case detailerSteps = "detailer_steps"
        case detailerStrength = "detailer_strength"
        case sendImages = "send_images"
        case saveImages = "save_images"
        case scriptName = "script_name"
        case scriptArgs = "script_args"
        case alwaysonScripts = "alwayson_scripts"
        case extra
    }
}
