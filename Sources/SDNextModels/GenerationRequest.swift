/// Which SD.Next route a job's body is for.
public enum GenerationKind: String, Sendable, Codable, CaseIterable {
    case txt2img, img2img, control
}

/// One SD.Next generation body of any kind: what a queued job sends.
public enum GenerationRequest: Sendable, Equatable {
    case txt2img(Txt2ImgRequest)
    case img2img(Img2ImgRequest)
    case control(ControlRequest)

    public var kind: GenerationKind {
        switch self {
        case .txt2img: .txt2img
        case .img2img: .img2img
        case .control: .control
        }
    }

    /// Decodes the body of `kind` from `decoder`.
    public init(kind: GenerationKind, from decoder: any Decoder) throws {
        switch kind {
        case .txt2img: self = .txt2img(try Txt2ImgRequest(from: decoder))
        case .img2img: self = .img2img(try Img2ImgRequest(from: decoder))
        case .control: self = .control(try ControlRequest(from: decoder))
        }
    }

    /// The fields every kind shares.
    public var fields: GenerationFields {
        get {
            switch self {
            case .txt2img(let request): request.generation
            case .img2img(let request): request.parameters.generation
            case .control(let request): request.generation
            }
        }
        set {
            switch self {
            case .txt2img(var request): request.generation = newValue; self = .txt2img(request)
            case .img2img(var request): request.parameters.generation = newValue; self = .img2img(request)
            case .control(var request): request.generation = newValue; self = .control(request)
            }
        }
    }

    /// The checkpoint txt2img and img2img switch to before generating (`sd_model_checkpoint`, persistently). Control
    /// has no such field (`control_run` does not declare it): nil, and setting it changes nothing.
    public var modelCheckpoint: String? {
        get {
            switch self {
            case .txt2img(let request): request.sdModelCheckpoint
            case .img2img(let request): request.parameters.sdModelCheckpoint
            case .control: nil
            }
        }
        set {
            switch self {
            case .txt2img(var request): request.sdModelCheckpoint = newValue; self = .txt2img(request)
            case .img2img(var request): request.parameters.sdModelCheckpoint = newValue; self = .img2img(request)
            case .control: break
            }
        }
    }

    /// The further fields (those no Swift property names) of the body's top level.
    public var further: FurtherFields {
        get {
            switch self {
            case .txt2img(let request): request.further
            case .img2img(let request): request.parameters.further
            case .control(let request): request.further
            }
        }
        set {
            switch self {
            case .txt2img(var request): request.further = newValue; self = .txt2img(request)
            case .img2img(var request): request.parameters.further = newValue; self = .img2img(request)
            case .control(var request): request.further = newValue; self = .control(request)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .txt2img(let request): try request.encode(to: encoder)
        case .img2img(let request): try request.encode(to: encoder)
        case .control(let request): try request.encode(to: encoder)
        }
    }
}
