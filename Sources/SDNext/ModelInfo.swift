import DynamicJSON
/// One entry of `GET /sdapi/v1/sd-models`.
public struct ModelInfo: Sendable, Decodable, Equatable {
    /// `"name [hash]"`: the value to send as `sd_model_checkpoint`.
    public let title: String
    public let modelName: String
    public let filename: String
    /// "safetensors", "diffusers", ... (SD.Next only; nil on A1111).
    public let type: String?
    public let sha256: String?
    public let hash: String?

    init(json: JSONValue) {
        title = json["title"]?.stringValue ?? ""
        modelName = json["model_name"]?.stringValue ?? ""
        filename = json["filename"]?.stringValue ?? ""
        type = json["type"]?.stringValue
        sha256 = json["sha256"]?.stringValue
        hash = json["hash"]?.stringValue
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }
}

/// One entry of `GET /sdapi/v1/samplers`. `"Default"` is valid in requests but never listed.
public struct SamplerInfo: Sendable, Decodable, Equatable {
    public let name: String
    /// A1111 lists aliases; SD.Next does not.
    public let aliases: [String]
    /// The scheduler configuration SD.Next reports.
    public let options: [String: JSONValue]

    init(json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        aliases = json["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        options = json["options"]?.objectValue ?? [:]
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }
}
