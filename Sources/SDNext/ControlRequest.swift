import DynamicJSON
/// The body of `POST /sdapi/v1/control`, SD.Next's native ControlNet route.
///
/// Not a txt2img variant: SD.Next has no `controlnet` alwayson script (A1111-style payloads get 422), and this
/// route names things differently: `batch_count` instead of `n_iter`, and the output size goes in
/// `width_before`/`height_before` (plain `width`/`height` are ignored). Nil fields are not sent.
public struct ControlRequest: Sendable, Encodable, Equatable {
    public var prompt: String?
    public var negativePrompt: String?
    public var steps: Int?
    public var samplerName: String?
    public var seed: Int?
    public var cfgScale: Double?
    /// Number of iterations (what txt2img calls `n_iter`).
    public var batchCount: Int?
    public var batchSize: Int?
    public var denoisingStrength: Double?
    /// Output width; SD.Next's default is 1024.
    public var widthBefore: Int?
    /// Output height; SD.Next's default is 1024.
    public var heightBefore: Int?
    public var resizeModeBefore: Int?
    /// Base64 control input images.
    public var inputs: [String]?
    /// Base64 init images for img2img-style control.
    public var inits: [String]?
    public var mask: String?
    /// "controlnet", "t2i adapter", "xs", "lite", "reference" or "ip".
    public var unitType: String?
    public var control: [ControlUnit]?
    public var sendImages: Bool?
    public var saveImages: Bool?
    public var overrideSettings: [String: JSONValue]?

    public init(
        prompt: String? = nil,
        negativePrompt: String? = nil,
        steps: Int? = nil,
        samplerName: String? = nil,
        seed: Int? = nil,
        cfgScale: Double? = nil,
        batchCount: Int? = nil,
        batchSize: Int? = nil,
        denoisingStrength: Double? = nil,
        widthBefore: Int? = nil,
        heightBefore: Int? = nil,
        resizeModeBefore: Int? = nil,
        inputs: [String]? = nil,
        inits: [String]? = nil,
        mask: String? = nil,
        unitType: String? = nil,
        control: [ControlUnit]? = nil,
        sendImages: Bool? = nil,
        saveImages: Bool? = nil,
        overrideSettings: [String: JSONValue]? = nil
    ) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.samplerName = samplerName
        self.seed = seed
        self.cfgScale = cfgScale
        self.batchCount = batchCount
        self.batchSize = batchSize
        self.denoisingStrength = denoisingStrength
        self.widthBefore = widthBefore
        self.heightBefore = heightBefore
        self.resizeModeBefore = resizeModeBefore
        self.inputs = inputs
        self.inits = inits
        self.mask = mask
        self.unitType = unitType
        self.control = control
        self.sendImages = sendImages
        self.saveImages = saveImages
        self.overrideSettings = overrideSettings
    }

    enum CodingKeys: String, CodingKey {
        case prompt
        case negativePrompt = "negative_prompt"
        case steps
        case samplerName = "sampler_name"
        case seed
        case cfgScale = "cfg_scale"
        case batchCount = "batch_count"
        case batchSize = "batch_size"
        case denoisingStrength = "denoising_strength"
        case widthBefore = "width_before"
        case heightBefore = "height_before"
        case resizeModeBefore = "resize_mode_before"
        case inputs, inits, mask
        case unitType = "unit_type"
        case control
        case sendImages = "send_images"
        case saveImages = "save_images"
        case overrideSettings = "override_settings"
    }
}

/// One control unit of a `ControlRequest` (a ControlNet, adapter or reference model with its preprocessor).
public struct ControlUnit: Sendable, Encodable, Equatable {
    /// Preprocessor name such as "Canny"; see `/sdapi/v1/preprocessors`.
    public var process: String?
    /// Control model name; see `/sdapi/v1/control-models`.
    public var model: String?
    public var strength: Double?
    public var start: Double?
    public var end: Double?
    /// A base64 control image for this unit only.
    public var image: String?
    /// A base64 image used instead of the preprocessor output.
    public var override: String?
    public var unitType: String?
    public var mode: String?
    public var guess: Bool?
    public var factor: Double?
    public var processParams: [String: JSONValue]?

    public init(
        process: String? = nil,
        model: String? = nil,
        strength: Double? = nil,
        start: Double? = nil,
        end: Double? = nil,
        image: String? = nil,
        override: String? = nil,
        unitType: String? = nil,
        mode: String? = nil,
        guess: Bool? = nil,
        factor: Double? = nil,
        processParams: [String: JSONValue]? = nil
    ) {
        self.process = process
        self.model = model
        self.strength = strength
        self.start = start
        self.end = end
        self.image = image
        self.override = override
        self.unitType = unitType
        self.mode = mode
        self.guess = guess
        self.factor = factor
        self.processParams = processParams
    }

    enum CodingKeys: String, CodingKey {
        case process, model, strength, start, end, image, override
        case unitType = "unit_type"
        case mode, guess, factor
        case processParams = "process_params"
    }
}
