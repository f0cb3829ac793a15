/// One job's progress as `ProgressTracker` reports it: monotonic over the whole request, unlike SD.Next's
/// per-stage numbers.
public struct JobProgress: Sendable, Equatable {
    /// 0...1; never decreases, and is exactly 1 only when every planned step was seen or the job finished.
    public var fraction: Double
    /// Sampling steps done over all passes.
    public var currentStep: Int
    /// Sampling steps of the whole job (`GenerationPlan.totalSteps`).
    public var totalSteps: Int
    /// Seconds left; nil until a step rate has been observed.
    public var etaSeconds: Double?
    /// SD.Next's stage name as last seen (`"Inference"`, `"VAE Decode"`, ...; `""` between stages).
    public var stage: String

    public init(fraction: Double, currentStep: Int, totalSteps: Int, etaSeconds: Double?, stage: String) {
        self.fraction = fraction
        self.currentStep = currentStep
        self.totalSteps = totalSteps
        self.etaSeconds = etaSeconds
        self.stage = stage
    }
}
