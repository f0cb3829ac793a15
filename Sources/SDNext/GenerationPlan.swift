/// What a generation will do, in sampling steps, so its progress can be measured against the whole.
///
/// SD.Next reports progress per stage, and one request runs many stages: for every iteration (`n_iter`) one
/// base sampling pass of `stepsPerPass` steps, then a hires pass when enabled. img2img samples only
/// floor(steps × denoising strength) steps per pass.
public struct GenerationPlan: Sendable, Equatable {
    /// Requested sampling steps (SD.Next's default is 20).
    public var steps: Int
    /// Number of iterations, `n_iter` (control calls it `batch_count`).
    public var iterations: Int = 1
    /// Steps of the hires second pass per iteration; 0 when there is none.
    public var hiresSteps: Int = 0
    /// Set for img2img: the base pass then runs floor(steps × denoisingStrength) steps.
    public var denoisingStrength: Double? = nil

    public init(steps: Int, iterations: Int = 1, hiresSteps: Int = 0, denoisingStrength: Double? = nil) {
        self.steps = steps
        self.iterations = iterations
        self.hiresSteps = hiresSteps
        self.denoisingStrength = denoisingStrength
    }

    /// The plan SD.Next will follow for a txt2img request, with SD.Next's defaults for missing fields.
    /// A hires pass with `hr_second_pass_steps` 0 runs the base step count.
    public init(_ request: Txt2ImgRequest) {
        let steps = request.steps ?? 20
        let hires = request.enableHr == true ? ((request.hrSecondPassSteps ?? 0) > 0 ? request.hrSecondPassSteps ?? 0 : steps) : 0
        self.init(steps: steps, iterations: request.nIter ?? 1, hiresSteps: hires)
    }

    /// The plan for an img2img request; SD.Next's img2img API defaults `denoising_strength` to 0.5.
    public init(_ request: Img2ImgRequest) {
        self.init(request.parameters)
        self.denoisingStrength = request.denoisingStrength ?? 0.5
    }

    /// The plan for a control request (`batch_count` iterations, no hires pass).
    public init(_ request: ControlRequest) {
        self.init(steps: request.steps ?? 20, iterations: request.batchCount ?? 1)
    }

    /// The plan for a body of any kind.
    public init(_ request: GenerationRequest) {
        switch request {
        case .txt2img(let body): self.init(body)
        case .img2img(let body): self.init(body)
        case .control(let body): self.init(body)
        }
    }

    /// Steps of one base sampling pass (N): `steps`, or floor(steps × denoisingStrength) for img2img; at least 1.
    public var stepsPerPass: Int {
        let base = max(1, steps)
        guard let denoisingStrength else { return base }
        return max(1, Int((Double(base) * denoisingStrength).rounded(.down)))
    }

    /// All sampling steps of the job: iterations × (N + hires steps).
    public var totalSteps: Int {
        max(1, iterations) * (stepsPerPass + max(0, hiresSteps))
    }

    /// The length of every sampling pass in the order SD.Next runs them.
    var passLengths: [Int] {
        let perIteration = hiresSteps > 0 ? [stepsPerPass, hiresSteps] : [stepsPerPass]
        return Array(repeating: perIteration, count: max(1, iterations)).flatMap { $0 }
    }
}
