/// Turns SD.Next's per-stage progress snapshots into one monotonic progress for a job that owns the backend.
///
/// SD.Next resets its numbers at every stage, so its `progress` climbs 0→1 once per sampling pass, drops to 0
/// between passes and reads 1.0 just after each. This tracker knows the job's `GenerationPlan` and counts
/// sampling passes itself: a new pass starts when the `Inference` stage id changes or the step count
/// drops. Completed steps = steps of the passes before + the current step, never decreasing. A pass whose
/// snapshots were all missed cannot be seen; `finish()` closes the gap when the POST returns.
///
/// Pure value type without I/O or clock reads: the caller passes each snapshot with the instant it was taken.
///
/// On legacy SD.Next (cumulative `sampling_step` over the request) and A1111 (`job_no` counts passes, the step
/// restarts per pass) the tracker reads the request-wide numbers instead, so progress is monotonic on all three.
public struct ProgressTracker: Sendable {
    public let plan: GenerationPlan
    public let flavor: BackendFlavor
    private let passLengths: [Int]
    private let startedAt: ContinuousClock.Instant

    /// Index of the sampling pass last seen; nil until the first `Inference` snapshot.
    private var passIndex: Int?
    private var passStageID: ProgressSnapshot.StageID = .none
    private var lastSamplingStep = 0
    private var completedSteps = 0
    /// Where the step rate is measured from: an instant and the steps completed by then.
    private var rateAnchor: (instant: ContinuousClock.Instant, steps: Int)?
    private var etaSeconds: Double?
    private var stage = ""
    private var isFinished = false

    /// - Parameter startedAt: when SD.Next began working on the job; used as the base of the step rate if
    ///   the first snapshot seen already shows finished steps.
    public init(plan: GenerationPlan, flavor: BackendFlavor = .sdnext, startedAt: ContinuousClock.Instant = .now) {
        self.plan = plan
        self.flavor = flavor
        self.passLengths = plan.passLengths
        self.startedAt = startedAt
    }

    public var progress: JobProgress {
        let total = plan.totalSteps
        let fraction = completedSteps >= total ? 1.0 : Double(completedSteps) / Double(total)
        return JobProgress(fraction: fraction, currentStep: completedSteps, totalSteps: total, etaSeconds: etaSeconds, stage: stage)
    }

    /// Folds one snapshot, taken at `instant`, into the job's progress.
    @discardableResult
    public mutating func observe(_ snapshot: ProgressSnapshot, at instant: ContinuousClock.Instant = .now) -> JobProgress {
        guard !isFinished else { return progress }
        stage = snapshot.state.job
        let seen = stepsSeen(in: snapshot)
        if let seen {
            if rateAnchor == nil {
                rateAnchor = seen == 0 ? (instant, 0) : (startedAt, 0)
            }
            completedSteps = max(completedSteps, min(seen, plan.totalSteps))
        }
        updateETA(snapshot: snapshot, at: instant)
        return progress
    }

    /// Marks the job done (its POST returned): fraction 1, every step counted, nothing left.
    @discardableResult
    public mutating func finish() -> JobProgress {
        isFinished = true
        completedSteps = plan.totalSteps
        etaSeconds = 0
        stage = ""
        return progress
    }

    /// Completed steps this snapshot shows, or nil when it says nothing about this job's sampling.
    private mutating func stepsSeen(in snapshot: ProgressSnapshot) -> Int? {
        let state = snapshot.state
        switch flavor {
        case .sdnext: break
        case .sdnextLegacy:
            return state.jobCount > 0 ? max(0, state.samplingStep) : nil
        case .a1111:
            guard state.jobCount > 0 else { return nil }
            let pass = max(0, state.jobNo)
            return stepsBefore(pass: pass) + min(max(0, state.samplingStep), passLength(pass))
        }
        if snapshot.isSampling {
            let step = max(0, state.samplingStep)
            if let index = passIndex {
                let idChanged = snapshot.id != .none && passStageID != .none && snapshot.id != passStageID
                if idChanged || step < lastSamplingStep {
                    passIndex = index + 1
                }
            } else {
                passIndex = 0
            }
            passStageID = snapshot.id
            lastSamplingStep = step
            return stepsBefore(pass: passIndex ?? 0) + steps(inPass: passIndex ?? 0, step: step, of: state.samplingSteps)
        }
        if let index = passIndex, state.job.isEmpty, state.samplingSteps > 0, state.samplingStep >= state.samplingSteps {
            // Just after a pass ended SD.Next keeps "step N of N" with an empty stage name.
            return stepsBefore(pass: index) + passLength(index)
        }
        if passIndex == nil, !state.job.isEmpty, state.samplingSteps > 0, snapshot.progress > 0 {
            // Servers with cumulative progress (SD.Next before 2025-09, A1111) never show an "Inference" stage.
            return min(plan.totalSteps - 1, Int(snapshot.progress * Double(plan.totalSteps)))
        }
        return nil
    }

    private func passLength(_ index: Int) -> Int {
        index < passLengths.count ? passLengths[index] : 0
    }

    private func stepsBefore(pass index: Int) -> Int {
        passLengths.prefix(index).reduce(0, +)
    }

    /// Steps done in a pass, scaled to the planned length when SD.Next counts the pass differently.
    private func steps(inPass index: Int, step: Int, of reportedSteps: Int) -> Int {
        let length = passLength(index)
        let scaled = reportedSteps > 0 && reportedSteps != length ? step * length / reportedSteps : step
        return min(length, scaled)
    }

    /// ETA from the observed step rate, averaged with SD.Next's own estimate while it samples.
    private mutating func updateETA(snapshot: ProgressSnapshot, at instant: ContinuousClock.Instant) {
        guard let anchor = rateAnchor, completedSteps > anchor.steps else { return }
        let elapsed = seconds(instant - anchor.instant)
        guard elapsed > 0 else { return }
        let rate = Double(completedSteps - anchor.steps) / elapsed
        let remaining = Double(plan.totalSteps - completedSteps)
        let ownEstimate = remaining / rate
        guard snapshot.isSampling, snapshot.etaRelative > 0, let index = passIndex else {
            etaSeconds = ownEstimate
            return
        }
        let stepsAfterThisPass = Double(max(0, plan.totalSteps - stepsBefore(pass: index + 1)))
        let serverEstimate = snapshot.etaRelative + stepsAfterThisPass / rate
        etaSeconds = (ownEstimate + serverEstimate) / 2
    }

    private func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }
}
