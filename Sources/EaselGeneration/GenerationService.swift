import EaselCore
import Foundation
import SDNext

/// The seed's GenerationService: the one place where jobs enter the queue and leave it by request. It validates,
/// stores, announces (`generation_started`) and wakes a worker; running the job is the `DeliveryWorker`'s part.
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
    public let images: ImageStore
    public let limits: ParameterLimits
    public let metrics: EaselMetrics
    let wakeUp: WakeSignal
    let cancellations: CancellationRegistry

    public init(
        store: any JobStore, events: JobEventBus, images: ImageStore, limits: ParameterLimits = ParameterLimits(),
        metrics: EaselMetrics = .none, wakeUp: WakeSignal, cancellations: CancellationRegistry
    ) {
        self.store = store
        self.events = events
        self.images = images
        self.limits = limits
        self.metrics = metrics
        self.wakeUp = wakeUp
        self.cancellations = cancellations
    }

    /// Queues a job; it runs when a backend is free.
    public func submit(_ parameters: GenerationParameters, returnFormat: ReturnFormat, priority: Int = 0) async throws -> Job {
        let problems = parameters.problems(under: limits)
        guard problems.isEmpty else { throw InvalidParameters(problems: problems) }
        let job = Job(parameters: parameters, returnFormat: returnFormat, priority: priority)
        try await store.insert(job)
        metrics.jobsSubmitted.increment()
        metrics.queueDepth.increment()
        events.publish(.started(parameters), for: job.id)
        wakeUp.signal()
        return job
    }

    public func cancel(_ id: JobID) async throws -> CancelOutcome {
        if let job = try await store.cancelQueued(id, at: Date()) {
            metrics.queueDepth.decrement()
            metrics.jobsCancelled.increment()
            let progress = JobProgressState(status: .cancelled, fraction: 0, errorMessage: "Cancelled before it started")
            events.publish(.progress(progress), for: id)
            events.publish(.completed(completion(for: job)), for: id)
            return .cancelled
        }
        guard let job = try await store.job(id) else { return .notFound }
        guard job.status == .processing else { return .notCancellable(job.status) }
        cancellations.requestCancel(of: id)
        if try await store.job(id)?.status.isTerminal != false {
            cancellations.withdraw(id)
        }
        return .cancelling
    }

    /// The `generation_complete` view of a finished job, with images in its return format.
    public func completion(for job: Job) -> JobCompletion {
        let images = (job.result?.images ?? []).enumerated().compactMap { index, image -> String? in
            switch job.returnFormat {
            case .url: return ImageRoutes.url(of: job.id, index: index)
            case .filePath: return self.images.path(of: image)
            case .base64: return try? self.images.data(of: image).base64EncodedString()
            }
        }
        return JobCompletion(
            status: job.status, images: images, errorMessage: job.error,
            totalDuration: job.duration, generationInfo: job.result?.generationInfo)
    }

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

    /// Queues a job and waits for its completion (the origin's blocking `generate`). The job still goes through
    /// the queue, so a backend never runs two jobs at once.
    public func generate(_ parameters: GenerationParameters, returnFormat: ReturnFormat) async throws -> (Job, JobCompletion) {
        let stream = events.subscribe()
        let job = try await submit(parameters, returnFormat: returnFormat)
        for await event in stream where event.jobID == job.id {
            if case .completed(let completion) = event.kind {
                return (try await store.job(job.id) ?? job, completion)
            }
        }
        throw CancellationError()
    }
}

/// Easel's routes for job images, shared by the REST API and the `url` return format.
public enum ImageRoutes {
    public static func url(of jobID: JobID, index: Int) -> String {
        "/api/v1/generation/results/\(jobID.rawValue)/images/\(index)"
    }
}
