import DynamicJSON

/// One control unit of a `ControlRequest` (a ControlNet, adapter or reference model with its preprocessor).
public struct ControlUnit: Sendable, Codable, Equatable {
    /// Preprocessor name such as "Canny"; see `/sdapi/v1/preprocessors`.
    public var process: String?
    /// Control model name; see `/sdapi/v1/control-models`.
    public var model: String?
    public var strength: Double?
    public var start: Double?
    public var end: Double?
    /// A base64 control image for this unit only (SD.Next 058a7f0 reads it as an alias of `override`).
    public var image: String?
    /// A base64 image used instead of the preprocessor output; wins over `image`.
    public var override: String?
    public var unitType: String?
    public var mode: String?
    public var guess: Bool?
    public var factor: Double?
    /// Reference units only.
    public var attention: String?
    public var fidelity: Double?
    public var queryWeight: Double?
    public var adainWeight: Double?
    public var processParams: [String: JSONValue]?
    /// Every other field of the unit, sent as it came.
    public var further: FurtherFields = [:]

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

    enum CodingKeys: String, DeclaredKeys {
        case process, model, strength, start, end, image, override
        case unitType = "unit_type"
        case mode, guess, factor, attention, fidelity
        case queryWeight = "query_weight"
        case adainWeight = "adain_weight"
        case processParams = "process_params"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        process = try container.decodeIfPresent(String.self, forKey: .process)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        strength = try container.decodeIfPresent(Double.self, forKey: .strength)
        start = try container.decodeIfPresent(Double.self, forKey: .start)
        end = try container.decodeIfPresent(Double.self, forKey: .end)
        image = try container.decodeIfPresent(String.self, forKey: .image)
        override = try container.decodeIfPresent(String.self, forKey: .override)
        unitType = try container.decodeIfPresent(String.self, forKey: .unitType)
        mode = try container.decodeIfPresent(String.self, forKey: .mode)
        guess = try container.decodeIfPresent(Bool.self, forKey: .guess)
        factor = try container.decodeIfPresent(Double.self, forKey: .factor)
        attention = try container.decodeIfPresent(String.self, forKey: .attention)
        fidelity = try container.decodeIfPresent(Double.self, forKey: .fidelity)
        queryWeight = try container.decodeIfPresent(Double.self, forKey: .queryWeight)
        adainWeight = try container.decodeIfPresent(Double.self, forKey: .adainWeight)
        processParams = try container.decodeIfPresent([String: JSONValue].self, forKey: .processParams)
        further = try decoder.furtherFields(known: CodingKeys.names)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(process, forKey: .process)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(strength, forKey: .strength)
        try container.encodeIfPresent(start, forKey: .start)
        try container.encodeIfPresent(end, forKey: .end)
        try container.encodeIfPresent(image, forKey: .image)
        try container.encodeIfPresent(override, forKey: .override)
        try container.encodeIfPresent(unitType, forKey: .unitType)
        try container.encodeIfPresent(mode, forKey: .mode)
        try container.encodeIfPresent(guess, forKey: .guess)
        try container.encodeIfPresent(factor, forKey: .factor)
        try container.encodeIfPresent(attention, forKey: .attention)
        try container.encodeIfPresent(fidelity, forKey: .fidelity)
        try container.encodeIfPresent(queryWeight, forKey: .queryWeight)
        try container.encodeIfPresent(adainWeight, forKey: .adainWeight)
        try container.encodeIfPresent(processParams, forKey: .processParams)
        try encoder.encodeFurther(further)
    }
}
