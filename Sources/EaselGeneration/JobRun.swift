import EaselCore
import Foundation
import Logging
import SDNext

/// One claimed job on one backend, from the first `progress_update` to its single `generation_complete`.
/// The generation call, the JobMonitor and (after a cancel request) the interrupter run as children of one task
/// group; when the call returns the others are cancelled and awaited, so the final progress and the completion
/// are always the last events of the job.
struct JobRun {
    let job: Job
    let backend: Backend
    let worker: DeliveryWorker
    let logger: Logger

    private var service: GenerationService { worker.service }
    private var events: JobEventBus { service.events }

    private enum ChildResult {
        case generation(Result<GenerationResult, any Error>)
        case monitor(ProgressTracker)
        case interrupter
    }

    func run() async {
        backend.setCurrentJob(job.id)
        defer { backend.setCurrentJob(nil) }
        let cancel = service.cancellations.register(job.id)
        defer { service.cancellations.finish(job.id) }

        service.metrics.queueDepth.decrement()
        if let startedAt = job.startedAt {
            service.metrics.jobWait.recordSeconds(startedAt.timeIntervalSince(job.createdAt))
        }
        let parameters = job.parameters
        let plan = GenerationPlan(steps: parameters.steps, iterations: parameters.nIter)
        let started = JobProgressState(status: .processing, fraction: 0, currentStep: 0, totalSteps: plan.totalSteps)
        events.publish(.progress(started), for: job.id)
        logger.info("job started", metadata: ["attempt": "\(job.attempts)"])

        var generation: Result<GenerationResult, any Error> = .failure(CancellationError())
        let initialTracker = ProgressTracker(plan: plan)
        var tracker = initialTracker
        await withTaskGroup(of: ChildResult.self) { group in
            group.addTask { .generation(await generate()) }
            group.addTask {
                let monitor = JobMonitor(
                    client: backend.client, jobID: job.id, events: events, interval: worker.configuration.pollInterval,
                    previewDemand: worker.previewDemand, metrics: service.metrics)
                return .monitor(await monitor.run(tracker: initialTracker, published: started))
            }
            group.addTask {
                await cancel.signal.wait(after: cancel.seen)
                if !Task.isCancelled { await backend.client.keepInterrupting(every: worker.configuration.interruptInterval) }
                return .interrupter
            }
            for await child in group {
                switch child {
                case .generation(let result):
                    generation = result
                    group.cancelAll()
                case .monitor(let observed):
                    tracker = observed
                case .interrupter:
                    break
                }
            }
        }
        if Task.isCancelled {
            await handOver(reason: "Easel is shutting down", interruptBackend: true)
        } else if service.cancellations.isRequested(job.id) {
            await finish(.cancelled, result: nil, error: "Cancelled by request", progress: tracker.progress)
        } else {
            await conclude(generation, progress: tracker)
        }
    }

    private func generate() async -> Result<GenerationResult, any Error> {
        let parameters = job.parameters
        let request = Txt2ImgRequest(
            prompt: parameters.prompt, negativePrompt: parameters.negativePrompt ?? "", steps: parameters.steps,
            samplerName: parameters.samplerName, cfgScale: parameters.cfgScale, width: parameters.width,
            height: parameters.height, seed: parameters.seed, batchSize: parameters.batchSize, nIter: parameters.nIter,
            denoisingStrength: parameters.denoisingStrength, sendImages: true)
        do {
            return .success(try await backend.client.txt2img(request))
        } catch {
            return .failure(error)
        }
    }

    private func conclude(_ generation: Result<GenerationResult, any Error>, progress tracker: ProgressTracker) async {
        switch generation {
        case .success(let result):
            do {
                let stored = try service.images.save(result.images, for: job.id)
                let info = result.info.map { JSONValue.object($0.raw) }
                var finalTracker = tracker
                await finish(.completed, result: JobResult(images: stored, generationInfo: info), error: nil,
                             progress: finalTracker.finish())
                backend.recordCompletion()
            } catch {
                await finish(.failed, result: nil, error: "Could not store the images: \(error)", progress: tracker.progress)
            }
        case .failure(let error as SDNextError) where error.code == .connection:
            backend.recordHealth(false, error: error.message)
            if job.attempts < worker.configuration.maxAttempts {
                await handOver(reason: "Backend \(backend.url) became unreachable (\(error.message))", interruptBackend: false)
            } else {
                await finish(.failed, result: nil, error: "Backend \(backend.url) became unreachable: \(error.message)",
                             progress: tracker.progress)
            }
        case .failure(let error as SDNextError):
            await finish(.failed, result: nil, error: error.message, progress: tracker.progress)
        case .failure(let error):
            await finish(.failed, result: nil, error: "\(error)", progress: tracker.progress)
        }
    }

    /// Records the outcome, then publishes the last `progress_update` and the one `generation_complete`.
    private func finish(_ status: JobStatus, result: JobResult?, error: String?, progress: JobProgress) async {
        do {
            guard let finished = try await service.store.finish(job.id, status: status, result: result, error: error, at: Date())
            else {
                logger.error("job was no longer processing when it finished")
                return
            }
            let last = JobProgressState(
                status: status, fraction: progress.fraction, currentStep: progress.currentStep,
                totalSteps: progress.totalSteps, etaSeconds: status == .completed ? 0 : nil, errorMessage: error)
            events.publish(.progress(last), for: job.id)
            events.publish(.completed(service.completion(for: finished)), for: job.id)
            service.metrics.finished(status)?.increment()
            if let duration = finished.duration { service.metrics.jobRun.recordSeconds(duration) }
            logger.info("job finished", metadata: ["status": "\(status.rawValue)", "error": "\(error ?? "")"])
        } catch {
            logger.error("could not record the job's outcome", metadata: ["error": "\(error)"])
        }
    }

    /// Puts the job back in the queue for another backend (or for the next start), and says so to subscribers.
    private func handOver(reason: String, interruptBackend: Bool) async {
        // A fresh task, because this one may be cancelled (shutdown) and the store must still be told.
        let requeued = await Task {
            if interruptBackend { try? await backend.client.interrupt() }
            return (try? await service.store.requeue(job.id)) ?? false
        }.value
        guard requeued else { return }
        service.metrics.jobsRequeued.increment()
        service.metrics.queueDepth.increment()
        let queued = JobProgressState(status: .queued, fraction: 0, errorMessage: "\(reason); the job was re-queued")
        events.publish(.progress(queued), for: job.id)
        service.wakeUp.signal()
        logger.warning("job re-queued", metadata: ["reason": "\(reason)"])
    }
}
