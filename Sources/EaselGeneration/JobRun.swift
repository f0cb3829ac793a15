import DynamicJSON
import EaselCore
import Foundation
import Logging
import SDNext

/// One claimed job on one backend, from the first `progress_update` to its single `generation_complete`.
/// The generation call, the JobMonitor and the interrupter run as children of one task group; when the call
/// returns the others are cancelled and awaited, so the final progress and the completion are always the last
/// events of the job. How it ended is decided once, after the group, and goes through `JobFinisher`.
struct JobRun {
    let job: Job
    let backend: Backend
    let worker: DeliveryWorker
    let logger: Logger

    var service: GenerationService { worker.service }

    private enum ChildResult {
        case generation(Result<ControlResult, any Error>)
        case monitor(ProgressTracker)
        case interrupter
        case deadline(passed: Bool)
    }

    func run() async {
        backend.setCurrentJob(job.id)
        defer {
            backend.setCurrentJob(nil)
            service.skipRequests.remove(job.id)
        }
        if let startedAt = job.startedAt {
            service.metrics.jobWait.recordSeconds(startedAt.timeIntervalSince(job.createdAt))
            service.metrics.recent.recordWait(startedAt.timeIntervalSince(job.createdAt))
        }
        let plan = GenerationPlan(job.parameters.request)
        let started = JobProgressState(status: .processing, fraction: 0, currentStep: 0, totalSteps: plan.totalSteps)
        service.events.publish(.progress(started), for: job.id)
        logger.info("job started", metadata: ["attempt": "\(job.attempts)"])

        var generation: Result<ControlResult, any Error> = .failure(CancellationError())
        let initialTracker = ProgressTracker(plan: plan, flavor: backend.status.flavor ?? .sdnext)
        var tracker = initialTracker
        var timedOut = false
        await withTaskGroup(of: ChildResult.self) { group in
            group.addTask { .generation(await generate()) }
            group.addTask {
                let monitor = JobMonitor(
                    client: backend.client, jobID: job.id, events: service.events, interval: worker.configuration.pollInterval,
                    previewDemand: worker.previewDemand, metrics: service.metrics)
                return .monitor(await monitor.run(tracker: initialTracker, published: started))
            }
            group.addTask {
                await interruptWhenCancelRequested()
                return .interrupter
            }
            if let deadline = self.deadline {
                group.addTask { .deadline(passed: await interruptAtDeadline(deadline)) }
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
                case .deadline(let passed):
                    timedOut = passed
                }
            }
        }
        worker.log(backend.recordGeneration(generation, at: Date()), logger: logger)
        // A fresh task: a shutdown cancels this one, and the store must still be told how the job ended.
        let (shuttingDown, observed, deadlinePassed) = (Task.isCancelled, tracker, timedOut)
        await Task {
            await end(generation, shuttingDown: shuttingDown, timedOut: deadlinePassed, progress: observed)
        }.value
    }

    /// Sends the job to its kind's route, its input images read back from their files, on the job's model.
    private func generate() async -> Result<ControlResult, any Error> {
        var request: GenerationRequest
        do {
            request = try service.inputs.restore(job.parameters.request)
        } catch {
            return .failure(InputUnreadable(reason: "\(error)"))
        }
        request.fields.sendImages = true
        do {
            if let model = job.requirements.model {
                let title = checkpointTitle(model)
                if request.kind == .control {
                    // control_run has no `sd_model_checkpoint`: the switch goes through the options (under SD.Next's
                    // lock). Always sent, as the inventory may be stale: SD.Next reloads only when the value changes,
                    // and answers false then (`opts.set`), so only true says something: the model switched. A name it
                    // does not have is stored all the same and unloads the model: the run then ends with no images.
                    let updated = try await backend.client.setOptions(["sd_model_checkpoint": .string(title)])
                    if updated["sd_model_checkpoint"] == true { backend.recordLoadedCheckpoint(title) }
                } else {
                    request.modelCheckpoint = title
                }
            }
            return .success(try await backend.client.generate(request))
        } catch {
            return .failure(error)
        }
    }

    /// The title the backend knows the job's model by (what `sd_model_checkpoint` is sent and recorded as).
    private func checkpointTitle(_ model: String) -> String {
        backend.status.inventory?.checkpoint(matching: model)?.title ?? model
    }

    /// The job's input images could not be read back from the data directory.
    struct InputUnreadable: Error {
        let reason: String
    }

    /// Reads the job's cancel request from the store every cancel poll interval; once there is one, interrupts SD.Next
    /// until the generation returns (and this task is cancelled). Whether the job ends cancelled is decided after.
    /// The first read waits for the first tick: a job that ends sooner has its request read once, by `end`.
    private func interruptWhenCancelRequested() async {
        while true {
            do {
                try await Task.sleep(
                    until: PollClock.nextTick(after: .now, interval: worker.configuration.cancelPollInterval), clock: .continuous)
            } catch {
                return
            }
            if await isCancelRequested() {
                await backend.client.keepInterrupting(every: worker.configuration.interruptInterval)
                return
            }
        }
    }

    func isCancelRequested() async -> Bool {
        (try? await service.store.isCancelRequested(job.id)) == true
    }

    /// Decides how the run ended and hands that to the finisher. A cancel request wins over every other ending,
    /// a shutdown or a lost backend included: the client was told the job is being cancelled.
    private func end(
        _ generation: Result<ControlResult, any Error>, shuttingDown: Bool, timedOut: Bool, progress tracker: ProgressTracker
    ) async {
        if await isCancelRequested() {
            await finish(.cancelled("Cancelled by request"), progress: tracker.progress)
            return
        }
        if shuttingDown {
            await handOver(reason: "Easel is shutting down", interruptBackend: true, progress: tracker)
            return
        }
        if timedOut, let deadline {
            // The job's own deadline: what it asked for did not fit in it, on this backend or (as likely) another.
            let message = "The generation ran longer than its timeout of \(deadline.inSeconds.formatted()) s on "
                + "\(backend.url) and was interrupted"
            await finish(.failed(JobFailure(.timeout, message)), progress: tracker.progress)
            return
        }
        if case .failure = generation, job.requirements.model != nil {
            // Whether the failed run left the job's model loaded is not known.
            backend.recordLoadedCheckpoint(nil)
        }
        switch generation {
        case .success(let result):
            do {
                let images = service.presenter.images
                let stored = try images.save(result.images, for: job.id)
                let processed = try images.save(result.processed, for: job.id, prefix: "processed-")
                let info = result.info.map { JSONValue.object($0.raw) }
                var finalTracker = tracker
                await finish(
                    .completed(JobResult(
                        images: stored, processed: processed, generationInfo: info,
                        infoText: info == nil ? result.rawInfo : nil)),
                    progress: finalTracker.finish())
                backend.recordCompletion()
                if let model = job.requirements.model { backend.recordLoadedCheckpoint(checkpointTitle(model)) }
            } catch {
                await finish(.failed(JobFailure(.storageError, "Could not store the images: \(error)")), progress: tracker.progress)
            }
        case .failure(let error as SDNextError) where error.code == .emptyImages && job.requirements.model != nil:
            await handOverIfModelGone(failure: JobFailure(error, backend: backend.url), progress: tracker)
        case .failure(let error as SDNextError):
            if error.code == .rateLimited {
                // SD.Next did the work and replaced the answer: the job is not at fault and keeps its attempts.
                await handOver(
                    reason: "Backend \(backend.url) refused it for its rate limit (\(error.message))", interruptBackend: false,
                    refundAttempt: true, progress: tracker)
                return
            }
            if error.code == .connection { backend.recordHealth(false, error: error.message) }
            await fail(JobFailure(error, backend: backend.url), as: FailureClass(error), progress: tracker)
        case .failure(let error as InputUnreadable):
            await finish(
                .failed(JobFailure(.storageError, "Could not read the job's input images: \(error.reason)")),
                progress: tracker.progress)
        case .failure(let error):
            await finish(.failed(JobFailure(.internalError, "\(error)")), progress: tracker.progress)
        }
    }

    /// SD.Next aborts a generation whose `sd_model_checkpoint` it does not have (200, no images; a control run after
    /// the option named it, too): the inventory that sent the job here may be stale. Read again; when the model is
    /// gone the job goes back to the queue, its attempt not counted, for a backend that has it (and ends
    /// `model_unavailable` at once if no backend does). Otherwise `failure` is transient: retried, or the job fails.
    private func handOverIfModelGone(failure: JobFailure, progress tracker: ProgressTracker) async {
        if let model = job.requirements.model, let inventory = try? await backend.refreshInventory(),
           inventory.checkpoint(matching: model) == nil {
            await handOver(
                reason: "Backend \(backend.url) no longer has the checkpoint \"\(model)\"", interruptBackend: false,
                refundAttempt: true, progress: tracker)
            do {
                try await UnrunnableJobs(backends: worker.backends, service: service, logger: logger).end()
            } catch {
                logger.error("could not end the jobs no backend can run", metadata: ["error": "\(error)"])
            }
            return
        }
        await fail(failure, as: .transient, progress: tracker)
    }

    func finish(_ outcome: JobOutcome, progress: JobProgress) async {
        do {
            guard try await service.finisher.end(job.id, from: .processing, with: outcome, progress: progress) != nil else {
                logger.error("job was no longer processing when it finished")
                return
            }
            logger.info("job finished", metadata: [
                "status": "\(outcome.status.rawValue)", "error_code": "\(outcome.failure?.code.rawValue ?? "")",
            ])
        } catch {
            logger.error("could not record the job's outcome", metadata: ["error": "\(error)"])
        }
    }

    /// Puts the job back in the queue for another backend (or for the next start), and wakes an idle backend.
    /// A cancel requested meanwhile keeps it out of the queue (see `JobStore.requeue`): it ends cancelled.
    /// `refundAttempt`: the start does not count against the job's attempts (a 429 is not the job's failure).
    private func handOver(
        reason: String, interruptBackend: Bool, refundAttempt: Bool = false, progress tracker: ProgressTracker
    ) async {
        if interruptBackend { try? await backend.client.interrupt() }
        do {
            if try await service.finisher.requeue(job.id, reason: reason, refundingAttempt: refundAttempt) {
                service.dispatch.jobsArrived()
                logger.warning("job re-queued", metadata: ["reason": "\(reason)"])
            } else if await isCancelRequested() {
                await finish(.cancelled("Cancelled by request"), progress: tracker.progress)
            }
        } catch {
            logger.error("could not put the job back in the queue", metadata: ["error": "\(error)"])
        }
    }
}
