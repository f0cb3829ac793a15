import DynamicJSON
/// The body of `POST /sdapi/v1/control`, SD.Next's native ControlNet route: the shared generation fields
/// (reachable directly, `request.steps = 30`) and the ones `control_run()` adds.
///
/// Not a txt2img variant: SD.Next has no `controlnet` alwayson script (A1111-style payloads get 422), and this
/// route names things differently: `batch_count` instead of `n_iter`, and the output size goes in
/// `width_before`/`height_before` (plain `width`/`height`, `override_settings` and `sd_model_checkpoint` are
/// ignored). Nil fields are not sent.
@dynamicMemberLookup
public struct ControlRequest: Sendable, Encodable, Equatable {
    public var generation: GenerationFields
    /// Number of iterations (what txt2img calls `n_iter`).
    public var batchCount: Int?
    /// Output width; SD.Next's default is 1024.
    public var widthBefore: Int?
    /// Output height; SD.Next's default is 1024.
    public var heightBefore: Int?
    public var resizeModeBefore: Int?
    /// Base64 control input images. SD.Next releases from 2026-03-24 on declare them as PIL images and refuse any
    /// JSON item (422 `is_instance_of`): send each unit's image in its `override` instead.
    public var inputs: [String]?
    /// Base64 init images for img2img-style control; refused like `inputs` by the same releases.
    public var inits: [String]?
    public var mask: String?
    /// "controlnet", "t2i adapter", "xs", "lite", "reference" or "ip".
    public var unitType: String?
    public var control: [ControlUnit]?

    public init(
        _ generation: GenerationFields = GenerationFields(),
        batchCount: Int? = nil,
        widthBefore: Int? = nil,
        heightBefore: Int? = nil,
        inputs: [String]? = nil,
        unitType: String? = nil,
        control: [ControlUnit]? = nil
    ) {
        self.generation = generation
        self.batchCount = batchCount
        self.widthBefore = widthBefore
        self.heightBefore = heightBefore
        self.inputs = inputs
        self.unitType = unitType
        self.control = control
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<GenerationFields, Value>) -> Value {
        get { generation[keyPath: keyPath] }
        set { generation[keyPath: keyPath] = newValue }
    }

    enum CodingKeys: String, CodingKey {
        case batchCount = "batch_count"
        case widthBefore = "width_before"
        case heightBefore = "height_before"
        case resizeModeBefore = "resize_mode_before"
        case inputs, inits, mask
        case unitType = "unit_type"
        case control
    }

    public func encode(to encoder: any Encoder) throws {
        try generation.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(batchCount, forKey: .batchCount)
        try container.encodeIfPresent(widthBefore, forKey: .widthBefore)
        try container.encodeIfPresent(heightBefore, forKey: .heightBefore)
        try container.encodeIfPresent(resizeModeBefore, forKey: .resizeModeBefore)
        try container.encodeIfPresent(inputs, forKey: .inputs)
        try container.encodeIfPresent(inits, forKey: .inits)
        try container.encodeIfPresent(mask, forKey: .mask)
        try container.encodeIfPresent(unitType, forKey: .unitType)
        try container.encodeIfPresent(control, forKey: .control)
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
