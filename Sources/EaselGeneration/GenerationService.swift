import EaselCore
import Foundation
import ServiceLifecycle

/// The seed's GenerationService: the one place where jobs enter the queue and leave it by request. It validates,
/// stores, announces (`generation_started`) and wakes one idle backend; running the job is the `DeliveryWorker`'s
/// part. A cancel is written to the store, so whichever process runs the job sees it.
public struct GenerationService: Sendable {
    /// Why a submission was refused.
    public struct InvalidParameters: Error, Sendable {
        public let problems: [ParameterError]
    }

    /// What a cancel request did.
    public enum CancelOutcome: Sendable, Equatable {
        case cancelled
        /// The job is running: its backend is being interrupted and a `cancelled` completion will follow.
        case cancelling
        case notFound
        case notCancellable(JobStatus)
    }

    public let store: any JobStore
    public let events: JobEventBus
    public let presenter: ResultPresenter
    /// Where jobs' input images are kept.
    public let inputs: InputImages
    public let limits: ParameterLimits
    public let metrics: EaselMetrics
    /// Builds the webhook event of each job's ending.
    public let webhooks: WebhookAnnouncer
    /// Running jobs their caller skipped on SD.Next: their empty answer is not retried.
    public let skipRequests = SkipRequests()
    let dispatch: DispatchSignal

    public init(
        store: any JobStore, events: JobEventBus, presenter: ResultPresenter, inputs: InputImages,
        limits: ParameterLimits = ParameterLimits(), metrics: EaselMetrics = .none, webhooks: WebhookAnnouncer = .none,
        dispatch: DispatchSignal
    ) {
        self.store = store
        self.events = events
        self.presenter = presenter
        self.inputs = inputs
        self.limits = limits
        self.metrics = metrics
        self.webhooks = webhooks
        self.dispatch = dispatch
    }

    var finisher: JobFinisher { JobFinisher(store: store, events: events, presenter: presenter, metrics: metrics, webhooks: webhooks) }

    /// Queues a job; it runs when a backend with its model and LoRAs is free. Its input images are written to files
    /// first (the stored job holds references, `generation_started` their URLs); `InputImages.TooLarge` when one
    /// exceeds the limit. `note` (why it may wait) is the message of its first `progress_update`.
    /// `requiringPrompt` is the origin API's rule (the SD.Next gateway takes an empty prompt, as SD.Next does).
    /// Under an `idempotency` key used within its lifetime for the same request, the job stored then is returned
    /// and nothing new is queued; for another request, `IdempotencyConflict`.
    public func submit(
        _ parameters: GenerationParameters, returnFormat: ReturnFormat, priority: Int = 0,
        requirements: JobRequirements = .none, note: String? = nil, requiringPrompt: Bool = true, callbackURL: String? = nil,
        idempotency: IdempotencyKey? = nil, timeoutSeconds: Double? = nil
    ) async throws -> Job {
        let problems = parameters.problems(under: limits, requiringPrompt: requiringPrompt)
        guard problems.isEmpty else { throw InvalidParameters(problems: problems) }
        let id = JobID.make()
        let kept = try inputs.keep(parameters, for: id, limits: limits)
        let job = Job(id: id, parameters: kept, requirements: requirements, returnFormat: returnFormat, priority: priority,
                      callbackURL: callbackURL, timeoutSeconds: timeoutSeconds)
        do {
            if let idempotency {
                let notBefore = job.createdAt.addingTimeInterval(-IdempotencyKey.lifetime)
                switch try await store.insert(job, key: idempotency, notBefore: notBefore) {
                case .inserted:
                    break
                case .existing(let earlier):
                    try? inputs.delete(of: id)
                    if let stored = try await store.job(earlier) { return stored }
                    throw IdempotencyConflict(jobID: earlier)
                case .conflict(let earlier):
                    throw IdempotencyConflict(jobID: earlier)
                }
            } else {
                try await store.insert(job)
            }
        } catch {
            try? inputs.delete(of: id)
            throw error
        }
        metrics.jobsSubmitted.increment()
        events.publish(.started(presenter.parameters(of: job)), for: job.id)
        if let note { events.publish(.progress(JobProgressState(status: .queued, fraction: 0, errorMessage: note)), for: job.id) }
        dispatch.jobsArrived()
        return job
    }

    public func cancel(_ id: JobID) async throws -> CancelOutcome {
        // Twice at most: a running job can be handed back to the queue between the two conditional writes.
        for _ in 0..<2 {
            if try await finisher.end(id, from: .queued, with: .cancelled("Cancelled before it started"), progress: nil) != nil {
                return .cancelled
            }
            if try await store.requestCancel(id, at: Date()) != nil { return .cancelling }
            guard let job = try await store.job(id) else { return .notFound }
            guard job.status == .queued else { return .notCancellable(job.status) }
        }
        return .notCancellable(.queued)
    }

    /// At start-up, before any backend runs: jobs a stopped server left running go back to the queue while they
    /// have attempts left; the others end, through the same path as every ending (`server_stopped`, or
    /// `cancelled` when a cancel was asked for). Returns how many of each.
    public func recoverInterruptedJobs(maxAttempts: Int) async throws -> (requeued: Int, ended: Int) {
        let (requeued, remaining) = try await store.requeueInterrupted(maxAttempts: maxAttempts)
        for job in remaining {
            let outcome: JobOutcome = job.cancelRequestedAt != nil
                ? .cancelled("Cancelled by request")
                : .failed(JobFailure(
                    .serverStopped, "Server stopped while the job was running (attempt \(job.attempts) of \(maxAttempts))"))
            _ = try await finisher.end(job.id, from: .processing, with: outcome, progress: nil)
        }
        return (requeued.count, remaining.count)
    }

    /// The `generation_complete` view of a finished job, with images in its return format.
    public func completion(for job: Job) -> JobCompletion { presenter.completion(for: job) }

    /// The events that bring a new subscriber up to date with a job, or nil when there is no such job.
    /// Jobs whose history this process no longer holds are rebuilt from the store with `seq` 0.
    public func snapshot(of id: JobID) async -> [JobEvent]? {
        if let history = events.history(of: id) {
            return history.events(after: 0)
        }
        guard let job = try? await store.job(id) else { return nil }
        let now = Date()
        var progress = JobProgressState(status: job.status, fraction: job.status == .completed ? 1 : 0)
        progress.errorMessage = job.error
        var snapshot = [JobEvent(jobID: id, seq: 0, timestamp: now, kind: .progress(progress))]
        if job.status.isTerminal {
            snapshot.append(JobEvent(jobID: id, seq: 0, timestamp: now, kind: .completed(completion(for: job))))
        }
        return snapshot
    }

    /// An `Idempotency-Key` used within its lifetime for another request.
    public struct IdempotencyConflict: Error, Sendable {
        public let jobID: JobID
    }

    /// A server shutting down stopped a blocking call's wait; the job stays in the store (queued again, or running
    /// on elsewhere) for the REST routes.
    public struct StoppedWaiting: Error, Sendable {
        public let job: Job
    }

    /// Queues a job and waits for its completion (the origin's blocking `generate`, the SD.Next gateway's routes).
    /// The job still goes through the queue, so a backend never runs two jobs at once. `queued` is told the job
    /// as soon as it is stored. Cancelling the wait (a client that went away) leaves the job to run; a graceful
    /// shutdown ends the wait with `StoppedWaiting`, so a waiting call does not hold the server up.
    public func generate(
        _ parameters: GenerationParameters, returnFormat: ReturnFormat, requirements: JobRequirements = .none,
        note: String? = nil, requiringPrompt: Bool = true, callbackURL: String? = nil, idempotency: IdempotencyKey? = nil,
        timeoutSeconds: Double? = nil, queued: (Job) -> Void = { _ in }
    ) async throws -> (Job, JobCompletion) {
        let job = try await submit(
            parameters, returnFormat: returnFormat, requirements: requirements, note: note, requiringPrompt: requiringPrompt,
            callbackURL: callbackURL, idempotency: idempotency, timeoutSeconds: timeoutSeconds)
        queued(job)
        // A repeat of a call whose job has ended answers at once.
        if job.status.isTerminal { return (job, completion(for: job)) }
        let events = self.events
        let ended = await cancelWhenGracefulShutdown { await events.completion(of: job.id) }
        guard case .completed(let completion)? = ended?.kind else {
            if Task.isCancelled { throw CancellationError() }
            throw StoppedWaiting(job: job)
        }
        return (try await store.job(job.id) ?? job, completion)
    }
}
