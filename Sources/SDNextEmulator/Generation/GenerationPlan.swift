/// Everything the generation worker needs to know about one validated request, resolved up front
/// (random seeds picked, sizes rounded, step counts derived) so the run itself is mechanical.
struct GenerationPlan: Sendable {
    enum Kind: Sendable {
        case txt2img, img2img, control

        /// The outer stage name SD.Next begins once the queue lock is held.
        var outerStage: String {
            switch self {
            case .txt2img: "API-TXT"
            case .img2img: "API-IMG"
            case .control: "API-CTL"
            }
        }

        var operation: String {
            switch self {
            case .txt2img: "txt2img"
            case .img2img: "img2img"
            case .control: "control"
            }
        }
    }

    let kind: Kind
    let request: ParsedRequest
    let prompt: String
    let negativePrompt: String
    let seed: Int
    let subseed: Int
    let width: Int
    let height: Int
    let batchSize: Int
    let iterations: Int
    /// Sampling steps of the base `Inference` stage (img2img: floor(steps × denoise)).
    let inferenceSteps: Int
    /// Sampling steps of the hires `Inference` stage, nil without `enable_hr`.
    let hiresSteps: Int?
    /// Final image size (the hires size when `enable_hr`).
    let outputWidth: Int
    let outputHeight: Int
    /// The checkpoint the request asks for through its `sd_model_checkpoint` field (nil when absent or empty).
    let requestedModel: String?
    /// `override_settings`, applied for this generation; restored afterwards unless
    /// `override_settings_restore_afterwards` is false.
    let overrideSettings: JSONObject
    let restoreSettings: Bool
    /// The names in the prompt's `<lora:name:weight>` tags, in order (`extra_networks.parse_prompt`).
    let loraNames: [String]
    /// The first `alwayson_scripts` key that names no always-on script; SD.Next rejects the
    /// request for it only once the lock is held.
    let unknownAlwaysOnScript: String?
    /// Decoded init image (img2img) that the output is blended with.
    let initImage: RGBImage?
    /// Decoded control inputs, one per control map to return.
    let controlImages: [RGBImage]

    /// Seeds of every image, sequential from the resolved seed (`sequential_seed` on).
    var allSeeds: [Int] { (0..<(batchSize * iterations)).map { seed + $0 } }
    var allSubseeds: [Int] { (0..<(batchSize * iterations)).map { subseed + $0 } }

    init(kind: Kind, request: ParsedRequest, initImage: RGBImage? = nil, controlImages: [RGBImage] = []) {
        self.kind = kind
        self.request = request
        self.initImage = initImage
        self.controlImages = controlImages
        prompt = request.prompt("prompt")
        negativePrompt = request.prompt("negative_prompt")
        seed = Self.resolve(seed: request.int("seed"))
        subseed = Self.resolve(seed: request.int("subseed"))
        let sizeKeys = kind == .control ? ("width_before", "height_before") : ("width", "height")
        width = Self.roundSize(request.int(sizeKeys.0))
        height = Self.roundSize(request.int(sizeKeys.1))
        batchSize = max(1, request.int("batch_size"))
        iterations = max(1, request.int(kind == .control ? "batch_count" : "n_iter"))
        let steps = max(1, request.int("steps"))
        inferenceSteps =
            kind == .img2img ? max(1, Int((Double(steps) * request.double("denoising_strength")).rounded(.down))) : steps
        if request.bool("enable_hr") && kind != .control {
            let secondPass = request.int("hr_second_pass_steps")
            hiresSteps = secondPass > 0 ? secondPass : steps
            let resizeX = request.int("hr_resize_x"), resizeY = request.int("hr_resize_y")
            if resizeX > 0 && resizeY > 0 {
                outputWidth = Self.roundSize(resizeX)
                outputHeight = Self.roundSize(resizeY)
            } else {
                let scale = max(request.double("hr_scale"), 1)
                outputWidth = Self.roundSize(Int(Double(width) * scale))
                outputHeight = Self.roundSize(Int(Double(height) * scale))
            }
        } else {
            hiresSteps = nil
            outputWidth = width
            outputHeight = height
        }
        requestedModel = request.string("sd_model_checkpoint").flatMap { $0.isEmpty ? nil : $0 }
        overrideSettings = request.value("override_settings").objectValue ?? [:]
        restoreSettings = request.value("override_settings_restore_afterwards").boolValue ?? true
        loraNames = Self.extraNetworks(in: prompt).filter { $0.type == "lora" }.compactMap(\.arguments.first)
        let scripts = request.value("alwayson_scripts").objectValue?.keys ?? []
        unknownAlwaysOnScript = scripts.first { !ModelCatalog.isAlwaysOnScript($0) }
    }

    /// `'; '.join(set(p.ops))` for the infotext's `Operations:`.
    var operations: String {
        let operation = isInpainting ? "inpaint" : kind.operation
        return hiresSteps == nil ? operation : "\(operation); hires"
    }

    /// img2img with a mask: `StableDiffusionProcessingImg2Img.init` switches the pipeline to inpainting.
    var isInpainting: Bool { kind == .img2img && !(request.values["mask"] ?? .null).isNull }

    /// The pipeline `set_diffuser_pipe` leaves loaded for this task, named as diffusers' auto-pipelines are.
    func pipelineClass(of model: CheckpointInfo) -> String {
        guard kind == .img2img, model.pipelineClass.hasSuffix("Pipeline") else { return model.pipelineClass }
        return model.pipelineClass.dropLast("Pipeline".count) + (isInpainting ? "InpaintPipeline" : "Img2ImgPipeline")
    }

    /// `<type:arg:arg…>` tags (`re_extra_net = <(\w+):([^>]+)>`), each with its `:`-separated arguments.
    static func extraNetworks(in prompt: String) -> [(type: String, arguments: [String])] {
        prompt.matches(of: /<(\w+):([^>]+)>/).map { match in
            (String(match.output.1), match.output.2.split(separator: ":", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// -1 (or any negative) picks a random seed in [0, 4294967294), as SD.Next does.
    static func resolve(seed: Int) -> Int {
        seed >= 0 ? seed : Int.random(in: 0..<4_294_967_294)
    }

    /// Sizes round down to a multiple of the VAE scale factor (8), at least 8.
    static func roundSize(_ value: Int) -> Int { max(8, value - value % 8) }
}
