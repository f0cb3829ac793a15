/// The body of `POST /sdapi/v1/img2img`.
///
/// SD.Next builds txt2img and img2img from the same processing parameters, so this wraps a
/// `Txt2ImgRequest` for the processing fields (reachable directly: `request.steps = 30`) and adds the
/// image inputs. Everything is flattened into one JSON object on the wire. Nil fields are not sent.
/// SD.Next's img2img defaults differ from txt2img in one place: `denoising_strength` is 0.5, and the output
/// is 1024×1024 (not the init image's size) unless width and height are given.
@dynamicMemberLookup
public struct Img2ImgRequest: Sendable, Codable, Equatable {
    /// Base64 images (a `data:` prefix is accepted by SD.Next). Required: SD.Next answers 400 without one.
    public var initImages: [String]
    /// A base64 inpainting mask: white is repainted, black kept (unless `inpaintingMaskInvert` is 1).
    public var mask: String?
    public var maskBlur: Int?
    /// 0 = just resize, 1 = crop and resize, 2 = resize and fill.
    public var resizeMode: Int?
    public var inpaintingMaskInvert: Int?
    /// What fills the masked area before sampling: 0 fill, 1 original, 2 latent noise, 3 latent nothing.
    public var inpaintingFill: Int?
    /// Inpaint only the masked area at full resolution, with `inpaintFullResPadding` pixels around it.
    public var inpaintFullRes: Bool?
    public var inpaintFullResPadding: Int?
    /// Echo the init images back in `parameters`; SD.Next leaves them null otherwise.
    public var includeInitImages: Bool?
    /// The fields shared with txt2img (and every further field of the body).
    public var parameters: Txt2ImgRequest

    public init(
        initImages: [String],
        parameters: Txt2ImgRequest = Txt2ImgRequest(),
        mask: String? = nil,
        maskBlur: Int? = nil,
        resizeMode: Int? = nil,
        inpaintingMaskInvert: Int? = nil,
        inpaintFullRes: Bool? = nil,
        includeInitImages: Bool? = nil
    ) {
        self.initImages = initImages
        self.parameters = parameters
        self.mask = mask
        self.maskBlur = maskBlur
        self.resizeMode = resizeMode
        self.inpaintingMaskInvert = inpaintingMaskInvert
        self.inpaintFullRes = inpaintFullRes
        self.includeInitImages = includeInitImages
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Txt2ImgRequest, Value>) -> Value {
        get { parameters[keyPath: keyPath] }
        set { parameters[keyPath: keyPath] = newValue }
    }

    enum CodingKeys: String, DeclaredKeys {
        case initImages = "init_images"
        case mask
        case maskBlur = "mask_blur"
        case resizeMode = "resize_mode"
        case inpaintingMaskInvert = "inpainting_mask_invert"
        case inpaintingFill = "inpainting_fill"
        case inpaintFullRes = "inpaint_full_res"
        case inpaintFullResPadding = "inpaint_full_res_padding"
        case includeInitImages = "include_init_images"
    }

    /// A missing `init_images` reads as none, so the caller can say what is wrong with that.
    public init(from decoder: any Decoder) throws {
        parameters = try Txt2ImgRequest(from: decoder)
        for key in CodingKeys.allCases { parameters.further[key.stringValue] = nil }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        initImages = try container.decodeIfPresent([String].self, forKey: .initImages) ?? []
        mask = try container.decodeIfPresent(String.self, forKey: .mask)
        maskBlur = try container.decodeIfPresent(Int.self, forKey: .maskBlur)
        resizeMode = try container.decodeIfPresent(Int.self, forKey: .resizeMode)
        inpaintingMaskInvert = try container.decodeIfPresent(Int.self, forKey: .inpaintingMaskInvert)
        inpaintingFill = try container.decodeIfPresent(Int.self, forKey: .inpaintingFill)
        inpaintFullRes = try container.decodeIfPresent(Bool.self, forKey: .inpaintFullRes)
        inpaintFullResPadding = try container.decodeIfPresent(Int.self, forKey: .inpaintFullResPadding)
        includeInitImages = try container.decodeIfPresent(Bool.self, forKey: .includeInitImages)
    }

    public func encode(to encoder: any Encoder) throws {
        try parameters.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(initImages, forKey: .initImages)
        try container.encodeIfPresent(mask, forKey: .mask)
        try container.encodeIfPresent(maskBlur, forKey: .maskBlur)
        try container.encodeIfPresent(resizeMode, forKey: .resizeMode)
        try container.encodeIfPresent(inpaintingMaskInvert, forKey: .inpaintingMaskInvert)
        try container.encodeIfPresent(inpaintingFill, forKey: .inpaintingFill)
        try container.encodeIfPresent(inpaintFullRes, forKey: .inpaintFullRes)
        try container.encodeIfPresent(inpaintFullResPadding, forKey: .inpaintFullResPadding)
        try container.encodeIfPresent(includeInitImages, forKey: .includeInitImages)
    }
}
