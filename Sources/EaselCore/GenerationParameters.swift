import DynamicJSON
import Foundation
import SDNextModels

/// What a client asks SD.Next to draw: the SD.Next request a job sends (txt2img, img2img or control), with the
/// origin system's defaults.
///
/// The origin's `SDNextGenerationParams` has eleven keys (`prompt` required; steps 20, sampler "DPM++ 2M", cfg 7,
/// 512×512, seed -1, one image, one iteration) and its clients' bodies must work unchanged, so a body without
/// `kind` is a txt2img job and those defaults fill whatever the body leaves out, for every kind. Every other
/// field SD.Next accepts for the kind's route is read with SD.Next's type (or kept as a further field) and sent
/// on. The shared fields are read and written directly: `parameters.steps`.
@dynamicMemberLookup
public struct GenerationParameters: Sendable, Equatable, Codable {
    /// The body sent to SD.Next. A stored job holds its input images as references (see `InputImages`).
    public var request: GenerationRequest

    public var kind: GenerationKind { request.kind }

    /// A txt2img job with the origin's defaults.
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
        self.init(.txt2img(Txt2ImgRequest(GenerationFields(prompt: prompt, negativePrompt: negativePrompt))))
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

    /// A job sending `request` exactly as it is: SD.Next applies its own defaults to what it leaves unset (the
    /// gateway's jobs, and stored jobs, whose defaults were filled when they were submitted).
    public init(sending request: GenerationRequest) {
        self.request = request
    }

    /// A job sending `request`, with the origin's defaults for the origin's keys it leaves unset.
    public init(_ request: GenerationRequest) {
        self.request = request
        self.steps = self.steps ?? 20
        self.samplerName = self.samplerName ?? "DPM++ 2M"
        self.cfgScale = self.cfgScale ?? 7
        width = width ?? 512
        height = height ?? 512
        self.seed = self.seed ?? -1
        self.batchSize = self.batchSize ?? 1
        nIter = nIter ?? 1
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<GenerationFields, Value>) -> Value {
        get { request.fields[keyPath: keyPath] }
        set { request.fields[keyPath: keyPath] = newValue }
    }

    /// The output width: `width`, or control's `width_before`.
    public var width: Int? {
        get { size.width }
        set { size.width = newValue }
    }

    /// The output height: `height`, or control's `height_before`.
    public var height: Int? {
        get { size.height }
        set { size.height = newValue }
    }

    /// Iterations: `n_iter`, or control's `batch_count`.
    public var nIter: Int? {
        get { size.iterations }
        set { size.iterations = newValue }
    }

    /// The JSON key each kind names the output size and iterations with (for messages naming a field).
    public var sizeKeys: (width: String, height: String, iterations: String) {
        kind == .control ? ("width_before", "height_before", "batch_count") : ("width", "height", "n_iter")
    }

    private var size: (width: Int?, height: Int?, iterations: Int?) {
        get {
            switch request {
            case .txt2img(let body): (body.width, body.height, body.nIter)
            case .img2img(let body): (body.width, body.height, body.nIter)
            case .control(let body): (body.widthBefore, body.heightBefore, body.batchCount)
            }
        }
        set {
            switch request {
            case .txt2img(var body):
                (body.width, body.height, body.nIter) = newValue
                request = .txt2img(body)
            case .img2img(var body):
                (body.width, body.height, body.nIter) = newValue
                request = .img2img(body)
            case .control(var body):
                (body.widthBefore, body.heightBefore, body.batchCount) = newValue
                request = .control(body)
            }
        }
    }

    /// The job as its views show it: `kind`, every field of the body, and the origin's keys always present
    /// (`null` when unset), as its socket sent them.
    public var json: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(self))) ?? .null
    }
}

extension GenerationParameters {
    /// `kind` (default txt2img) picks the body; `prompt` is required; absent origin keys take the origin's defaults.
    /// A field of the wrong type fails with its coding path, which the API turns into a 422 naming the field.
    public init(from decoder: any Decoder) throws {
        let body = try decoder.container(keyedBy: Key.self)
        var kind = GenerationKind.txt2img
        if let name = try body.decodeIfPresent(String.self, forKey: .kind) {
            guard let named = GenerationKind(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: body, debugDescription: "must be \"txt2img\", \"img2img\" or \"control\"")
            }
            kind = named
        }
        _ = try body.decode(String.self, forKey: .prompt)
        self.init(try GenerationRequest(kind: kind, from: decoder))
        // Easel's own keys: `kind` picks the route, `model` the backend (it reaches SD.Next as the job's checkpoint).
        request.further[Key.kind.rawValue] = nil
        request.further["model"] = nil
    }

    public func encode(to encoder: any Encoder) throws {
        try request.encode(to: encoder)
        var body = encoder.container(keyedBy: Key.self)
        try body.encode(kind.rawValue, forKey: .kind)
        if self.negativePrompt == nil { try body.encodeNil(forKey: .negativePrompt) }
        if self.denoisingStrength == nil { try body.encodeNil(forKey: .denoisingStrength) }
    }

    private enum Key: String, CodingKey {
        case kind, prompt
        case negativePrompt = "negative_prompt"
        case denoisingStrength = "denoising_strength"
    }
}
