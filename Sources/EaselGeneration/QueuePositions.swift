import EaselCore
import Foundation
import Logging
import SDNext
import ServiceLifecycle

/// Keeps each queued job's `queue_position` and `eta_seconds` current: every `interval` it reads the head of the
/// queue in claim order (the first `window` jobs, one indexed read), computes the figures (`QueueForecast`) and
/// publishes a `progress_update` with status `queued` for each job whose figures changed, so a job gets at most one
/// such update per interval. The REST views read the same figures from the job's latest update. Jobs further back
/// than the window have no figures until they enter it. Backend speeds are measured from completed jobs
/// (`StepDurations`).
public struct QueuePositions: Service {
    public struct Configuration: Sendable {
        /// How often the figures are recomputed (and at most how often a job's are re-sent). Default 1 s.
        public var interval: Duration = .seconds(1)
        /// Queued jobs, from the head in claim order, that get figures. Default 1,000.
        public var window = 1_000
        /// Seconds per step of a backend that has completed no job yet. Default 0.25.
        public var defaultSecondsPerStep = 0.25
        /// An ETA is re-sent when it moved by more than this fraction (or one second, whichever is more).
        public var etaTolerance = 0.1

        public init() {}
    }

    let store: any JobStore
    let events: JobEventBus
    let backends: [Backend]
    let configuration: Configuration
    let rates: StepDurations
    let logger: Logger

    public init(store: any JobStore, events: JobEventBus, backends: [Backend], configuration: Configuration, logger: Logger) {
        self.store = store
        self.events = events
        self.backends = backends
        self.configuration = configuration
        self.rates = StepDurations(fallback: configuration.defaultSecondsPerStep)
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await measureStepDurations() }
                var published: [JobID: QueueForecast.Figures] = [:]
                while !Task.isCancelled {
                    do {
                        published = try await update(after: published)
                    } catch {
                        logger.warning("queue positions not computed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: configuration.interval)
                }
                group.cancelAll()
            }
        }
    }

    /// One pass: the figures of the jobs in the window, published where they changed. Returns what is now published.
    func update(after published: [JobID: QueueForecast.Figures]) async throws -> [JobID: QueueForecast.Figures] {
        let queued = try await store.queuedJobs(limit: configuration.window)
        let paused = try await store.isQueuePaused()
        let able = backends.filter { $0.status.healthy != false && !$0.status.draining }
        // The backends able to run each distinct requirement: a few, however long the queue.
        var ableByRequirement: [JobRequirements: Set<String>] = [:]
        for requirements in Set(queued.map(\.requirements)) {
            ableByRequirement[requirements] = Set(able.filter {
                DispatchPolicy.BackendView(inventory: $0.status.inventory).canRun(requirements)
            }.map(\.url))
        }
        let work = queued.map { job in
            QueueForecast.Queued(
                id: job.id, backends: ableByRequirement[job.requirements] ?? [], steps: GenerationPlan(job.parameters.request).totalSteps)
        }
        var remaining: [String: Int] = [:]
        for backend in backends {
            guard let running = backend.status.currentJob, let progress = events.history(of: running)?.progress,
                  let total = progress.totalSteps else { continue }
            remaining[backend.url] = max(0, total - (progress.currentStep ?? 0))
        }
        let figures = QueueForecast.figures(queued: work, remainingSteps: remaining, secondsPerStep: rates.secondsPerStep, paused: paused)
        var now: [JobID: QueueForecast.Figures] = [:]
        for job in queued {
            guard let new = figures[job.id] else { continue }
            if let old = published[job.id], !changed(old, new) {
                now[job.id] = old
                continue
            }
            // The latest queued update's routing note and retry notice stay with the job's new figures.
            let latest = events.history(of: job.id)?.progress.flatMap { $0.status == .queued ? $0 : nil }
            let state = JobProgressState(
                status: .queued, fraction: 0, etaSeconds: new.etaSeconds, errorMessage: latest?.errorMessage,
                queuePosition: new.position, retry: latest?.retry)
            if events.publishWhileQueued(.progress(state), for: job.id, submittedAt: job.createdAt) != nil { now[job.id] = new }
        }
        return now
    }

    private func changed(_ old: QueueForecast.Figures, _ new: QueueForecast.Figures) -> Bool {
        guard old.position == new.position else { return true }
        switch (old.etaSeconds, new.etaSeconds) {
        case (nil, nil): return false
        case (let before?, let after?): return abs(after - before) > max(1, configuration.etaTolerance * before)
        default: return true
        }
    }

    /// Every completed job's run time per step, by backend.
    private func measureStepDurations() async {
        for await event in events.subscribe() {
            guard case .completed(let completion) = event.kind, completion.status == .completed,
                  let job = try? await store.job(event.jobID), let backend = job.backend,
                  let started = job.startedAt, let finished = job.finishedAt
            else { continue }
            rates.record(
                backend: backend, steps: GenerationPlan(job.parameters.request).totalSteps,
                seconds: finished.timeIntervalSince(started))
        }
    }
}
