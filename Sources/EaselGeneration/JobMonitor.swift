import EaselCore
import Foundation
import SDNext

/// The seed's JobMonitor: while its job holds a backend it polls SD.Next's global `/sdapi/v1/progress` and
/// publishes a `progress_update` whenever progress, step or status changed. It is a child task beside the
/// generation call and is cancelled when that call returns, so it can never outlive its job (the origin's G9).
/// Polls fall on the shared `PollClock` ticks.
struct JobMonitor {
    let client: SDNextClient
    let jobID: JobID
    let events: JobEventBus
    let interval: Duration
    let previewDemand: PreviewDemand
    let metrics: EaselMetrics

    /// SD.Next's stage while it loads a checkpoint (`sd_models.reload_model_weights`).
    static let loadStage = "Load model"

    /// Polls until cancelled; returns the tracker with everything it observed.
    func run(tracker initial: ProgressTracker, published initialState: JobProgressState) async -> ProgressTracker {
        var tracker = initial
        var published = initialState
        while true {
            do {
                try await Task.sleep(until: PollClock.nextTick(after: .now, interval: interval), clock: .continuous)
            } catch {
                return tracker
            }
            let wantsPreview = previewDemand(jobID)
            let pollStarted = ContinuousClock.now
            guard let snapshot = try? await client.progress(skipCurrentImage: !wantsPreview), !Task.isCancelled else { continue }
            metrics.progressPoll.record(ContinuousClock.now - pollStarted)
            let progress = tracker.observe(snapshot)
            let state = JobProgressState(
                status: .processing, fraction: progress.fraction, currentStep: progress.currentStep,
                totalSteps: progress.totalSteps, etaSeconds: progress.etaSeconds,
                previewImage: wantsPreview ? snapshot.currentImage : nil, loadingModel: progress.stage == Self.loadStage)
            let newPreview = state.previewImage != nil && state.previewImage != published.previewImage
            if state.fraction != published.fraction || state.currentStep != published.currentStep
                || state.status != published.status || state.loadingModel != published.loadingModel || newPreview {
                events.publish(.progress(state), for: jobID)
                published = state
            }
        }
    }
}
