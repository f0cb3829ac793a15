import DynamicJSON

/// One entry of `GET /sdapi/v1/loras` (SD.Next's `modules/api/loras.py`). `name` is what a prompt
/// names in `<lora:name:weight>`; `alias` is the training output name when the file records one.
public struct LoRAInfo: Sendable, Decodable, Equatable {
    public let name: String
    public let alias: String
    public let path: String
    /// The safetensors metadata (`ss_*` keys), `[:]` for files without any.
    public let metadata: [String: JSONValue]

    init(json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        alias = json["alias"]?.stringValue ?? name
        path = json["path"]?.stringValue ?? ""
        metadata = json["metadata"]?.objectValue ?? [:]
    }

    public init(from decoder: any Decoder) throws { self.init(json: try JSONValue(from: decoder)) }
}

/// One entry of `GET /sdapi/v1/sd-vae`; `modelName` is the value for the `sd_vae` option.
public struct VAEInfo: Sendable, Decodable, Equatable {
    public let modelName: String
    public let filename: String

    init(json: JSONValue) {
        modelName = json["model_name"]?.stringValue ?? ""
        filename = json["filename"]?.stringValue ?? ""
    }

    public init(from decoder: any Decoder) throws { self.init(json: try JSONValue(from: decoder)) }
}

/// One entry of `GET /sdapi/v1/upscalers`; `name` is what `hr_upscaler` and the extras routes take.
/// Built-in resizers have no model, so `modelName` and `modelPath` are optional.
public struct UpscalerInfo: Sendable, Decodable, Equatable {
    public let name: String
    public let modelName: String?
    public let modelPath: String?
    public let modelURL: String?
    public let scale: Double?

    init(json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        modelName = json["model_name"]?.stringValue
        modelPath = json["model_path"]?.stringValue
        modelURL = json["model_url"]?.stringValue
        scale = json["scale"]?.doubleValue
    }

    public init(from decoder: any Decoder) throws { self.init(json: try JSONValue(from: decoder)) }
}

/// `GET /sdapi/v1/sampler`: the scheduler class the loaded pipeline currently uses and its config.
public struct CurrentSampler: Sendable, Equatable {
    /// A diffusers class name such as `EulerDiscreteScheduler`, not a `/samplers` name.
    public let className: String
    public let options: [String: JSONValue]

    /// nil for SD.Next's `{}` (no model loaded, or a pipeline without a scheduler).
    init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue else { return nil }
        className = name
        options = json["options"]?.objectValue ?? [:]
    }
}

/// `GET /sdapi/v1/embeddings`: textual-inversion names the loaded model accepted and skipped.
public struct EmbeddingsInfo: Sendable, Equatable {
    public let loaded: [String]
    public let skipped: [String]

    /// Accepts SD.Next's name lists and A1111's `{name: details}` objects alike.
    init(json: JSONValue) {
        func names(_ value: JSONValue?) -> [String] {
            if let list = value?.arrayValue { return list.compactMap(\.stringValue) }
            return value?.objectValue.map { $0.keys.sorted() } ?? []
        }
        loaded = names(json["loaded"])
        skipped = names(json["skipped"])
    }
}

/// One entry of `GET /sdapi/v1/prompt-styles`.
public struct PromptStyle: Sendable, Equatable {
    public let name: String
    public let prompt: String?
    public let negativePrompt: String?

    init(json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        prompt = json["prompt"]?.stringValue
        negativePrompt = json["negative_prompt"]?.stringValue
    }
}

/// `GET /sdapi/v1/scripts`: selectable script titles per pipeline (`control` is SD.Next only).
public struct ScriptList: Sendable, Equatable {
    public let txt2img: [String]
    public let img2img: [String]
    public let control: [String]

    init(json: JSONValue) {
        func titles(_ key: String) -> [String] { json[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        txt2img = titles("txt2img")
        img2img = titles("img2img")
        control = titles("control")
    }
}
