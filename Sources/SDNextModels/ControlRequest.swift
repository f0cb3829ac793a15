import DynamicJSON
/// The body of `POST /sdapi/v1/control`, SD.Next's native ControlNet route: the shared generation fields
/// (reachable directly, `request.steps = 30`) and the ones `control_run()` adds.
///
/// Not a txt2img variant: SD.Next has no `controlnet` alwayson script (A1111-style payloads get 422), and this
/// route names things differently: `batch_count` instead of `n_iter`, and the output size goes in
/// `width_before`/`height_before` (plain `width`/`height`, `override_settings` and `sd_model_checkpoint` are
/// ignored). Nil fields are not sent.
@dynamicMemberLookup
public struct ControlRequest: Sendable, Codable, Equatable {
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
    /// Base64 init images for img2img-style control; refused like `inputs` by the same releases, which take them
    /// in `init_control` instead.
    public var inits: [String]?
    /// Base64 init images SD.Next adds to `inits` (accepted as JSON by every release that has it).
    public var initControl: [String]?
    public var mask: String?
    /// "controlnet", "t2i adapter", "xs", "lite", "reference" or "ip".
    public var unitType: String?
    public var control: [ControlUnit]?
    /// Every other field of the body, sent as it came.
    public var further: FurtherFields = [:]

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

    enum CodingKeys: String, DeclaredKeys {
        case batchCount = "batch_count"
        case widthBefore = "width_before"
        case heightBefore = "height_before"
        case resizeModeBefore = "resize_mode_before"
        case inputs, inits, mask
        case initControl = "init_control"
        case unitType = "unit_type"
        case control
    }

    public init(from decoder: any Decoder) throws {
        generation = try GenerationFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batchCount = try container.decodeIfPresent(Int.self, forKey: .batchCount)
        widthBefore = try container.decodeIfPresent(Int.self, forKey: .widthBefore)
        heightBefore = try container.decodeIfPresent(Int.self, forKey: .heightBefore)
        resizeModeBefore = try container.decodeIfPresent(Int.self, forKey: .resizeModeBefore)
        inputs = try container.decodeIfPresent([String].self, forKey: .inputs)
        inits = try container.decodeIfPresent([String].self, forKey: .inits)
        initControl = try container.decodeIfPresent([String].self, forKey: .initControl)
        mask = try container.decodeIfPresent(String.self, forKey: .mask)
        unitType = try container.decodeIfPresent(String.self, forKey: .unitType)
        control = try container.decodeIfPresent([ControlUnit].self, forKey: .control)
        further = try decoder.furtherFields(
            known: GenerationFields.CodingKeys.names.union(CodingKeys.names), fields: SDNextField.controlModel)
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
        try container.encodeIfPresent(initControl, forKey: .initControl)
        try container.encodeIfPresent(mask, forKey: .mask)
        try container.encodeIfPresent(unitType, forKey: .unitType)
        try container.encodeIfPresent(control, forKey: .control)
        try encoder.encodeFurther(further)
    }

    /// The body as every SD.Next release takes it: request-level `inputs` (which releases from 2026-03-24 refuse
    /// as JSON) go into the units' `override`, unit *i* taking input *i* (the last input when there are fewer,
    /// a unit's own `override` or `image` winning); `inits` go into `init_control`, which SD.Next adds to its
    /// inits. Without units, each input becomes a unit of its own with SD.Next's unit defaults.
    public var withImagesInUnits: ControlRequest {
        var request = self
        if let inputs, let last = inputs.last {
            var units = control ?? []
            if units.isEmpty { units = inputs.map { _ in ControlUnit() } }
            for index in units.indices where units[index].override == nil && units[index].image == nil {
                units[index].override = index < inputs.count ? inputs[index] : last
            }
            request.control = units
            request.inputs = nil
        }
        if let inits, !inits.isEmpty {
            request.initControl = inits + (initControl ?? [])
            request.inits = nil
        }
        return request
    }
}
