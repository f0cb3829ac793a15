import DynamicJSON
import EaselCore
import EaselGeneration
import EaselProtocol
import Foundation
import SDNext

/// The REST API's JSON shapes, keyed as the origin's responses were (every key present, `null` when empty), so
/// its clients and UI read them unchanged.
struct JobViews {
    let service: GenerationService

    private func time(_ date: Date?) -> JSONValue {
        date.map { .string(WireTimestamp.string(from: $0)) } ?? .null
    }

    private func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    private func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    private func number(_ value: Int?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }

    /// `SDNextGenerationResult`: what `generate` returns and what a job's `result` holds.
    func result(of job: Job, completion: JobCompletion) -> JSONValue {
        .object([
            "job_id": .string(job.id.rawValue),
            "status": .string(completion.status.rawValue),
            "images": completion.images.isEmpty ? .null : .array(completion.images.map(JSONValue.string)),
            "outputs": completion.outputs.map(Self.json(of:)) ?? .null,
            "progress": .number(completion.status == .completed ? 1 : 0),
            "error_message": text(completion.errorMessage),
            "error_code": text(completion.errorCode),
            "generation_info": completion.generationInfo ?? .null,
        ])
    }

    /// `GET generation/jobs/{id}` → `{"delivery": ...}`, with the delivery of its webhook event (to its own
    /// `callback_url` when it has one, else to the server-wide URL).
    func delivery(_ job: Job, webhooks: [WebhookDelivery] = []) -> JSONValue {
        .object([
            "id": .string(job.id.rawValue),
            "prompt": text(job.parameters.prompt),
            "mode": .string("sdnext"),
            "kind": .string(job.parameters.kind.rawValue),
            "params": .object([
                "generation_params": service.presenter.parameters(of: job).json,
                "mode": .string("deferred"),
                "save_images": .bool(true),
                "return_format": .string(job.returnFormat.rawValue),
                "backend": .string("sdnext"),
            ]),
            "status": .string(job.status.rawValue),
            "result": job.status.isTerminal ? result(of: job, completion: service.completion(for: job)) : .null,
            "created_at": time(job.createdAt),
            "started_at": time(job.startedAt),
            "finished_at": time(job.finishedAt),
            "priority": number(job.priority),
            "attempts": number(job.attempts),
            "backend_url": text(job.backend),
            "error": text(job.error),
            "error_code": text(job.failure?.code.rawValue),
            "cancel_requested_at": time(job.cancelRequestedAt),
            "model": text(job.requirements.model),
            "loras": .array(job.requirements.loras.map(JSONValue.string)),
            "callback_url": text(job.callbackURL),
            "timeout_seconds": number(job.timeoutSeconds),
            "retry_at": time(job.status == .queued ? job.notBefore : nil),
            "failed_backends": .array(job.failedBackends.map(JSONValue.string)),
            "batch_id": text(job.batchID?.rawValue),
            "webhook": (webhooks.first { $0.url == job.callbackURL } ?? webhooks.first).map(webhook) ?? .null,
            "queue_position": number(queueFigures(of: job)?.queuePosition),
            "eta_seconds": number(queueFigures(of: job)?.etaSeconds),
        ])
    }

    /// The `webhook` of a job view: how the delivery of its event is going.
    func webhook(_ delivery: WebhookDelivery) -> JSONValue {
        .object([
            "id": .string(delivery.id),
            "url": .string(delivery.url),
            "event": .string(delivery.type.rawValue),
            "attempts": number(delivery.attempts),
            "delivered_at": time(delivery.deliveredAt),
            "gave_up_at": time(delivery.gaveUpAt),
            "last_status": number(delivery.lastStatus),
            "last_error": text(delivery.lastError),
            "next_attempt_at": time(delivery.nextAttemptAt),
        ])
    }

    /// A queued job's place in line and expected wait, from its latest `progress_update` (`QueuePositions`).
    private func queueFigures(of job: Job) -> JobProgressState? {
        guard job.status == .queued, let live = service.events.history(of: job.id)?.progress, live.status == .queued else { return nil }
        return live
    }

    /// One entry of `GET generation/jobs/active`; `progress` is 0..100 there, as in the origin, but live.
    func activeJob(_ job: Job) -> JSONValue {
        let live = service.events.history(of: job.id)?.progress
        var params = service.presenter.parameters(of: job).json
        if case .object(var fields) = params {
            fields["backend"] = .string("sdnext")
            params = .object(fields)
        }
        return .object([
            "id": .string(job.id.rawValue),
            "jobId": .string(job.id.rawValue),
            "prompt": text(job.parameters.prompt),
            "kind": .string(job.parameters.kind.rawValue),
            "status": .string(job.status.rawValue),
            "progress": .number(((live?.fraction ?? 0) * 100 * 10).rounded() / 10),
            "current_step": number(live?.currentStep),
            "total_steps": number(live?.totalSteps),
            "eta_seconds": number(live?.etaSeconds),
            "queue_position": number(job.status == .queued ? live?.queuePosition : nil),
            "message": text(live?.errorMessage),
            "error": text(job.error),
            "error_code": text(job.failure?.code.rawValue),
            "params": params,
            "priority": number(job.priority),
            "batch_id": text(job.batchID?.rawValue),
            "attempts": number(job.attempts),
            "retry_at": time(job.status == .queued ? job.notBefore : nil),
            "backend_url": text(job.backend),
            "created_at": time(job.createdAt),
            "startTime": time(job.startedAt ?? job.createdAt),
            "finished_at": time(job.finishedAt),
            "result": .null,
        ])
    }

    /// One entry of `GET generation/results`.
    func resultSummary(_ job: Job) -> JSONValue {
        let urls = (job.result?.images ?? []).indices.map { JSONValue.string(ImageRoutes.url(of: job.id, index: $0)) }
        let parameters = job.parameters
        return .object([
            "id": .string(job.id.rawValue),
            "job_id": .string(job.id.rawValue),
            "prompt": text(parameters.prompt),
            "negative_prompt": text(parameters.negativePrompt),
            "kind": .string(parameters.kind.rawValue),
            "status": .string(job.status.rawValue),
            "image_url": urls.first ?? .null,
            "image_urls": .array(urls),
            "thumbnail_url": .null,
            "width": number(parameters.width),
            "height": number(parameters.height),
            "steps": number(parameters.steps),
            "cfg_scale": number(parameters.cfgScale),
            "seed": number(parameters.seed),
            "created_at": time(job.createdAt),
            "finished_at": time(job.finishedAt),
            "generation_info": job.result?.generationInfo ?? .null,
            "processed_urls": .array((job.result?.processed ?? []).indices.map {
                JSONValue.string(ImageRoutes.processedURL(of: job.id, index: $0))
            }),
            "rating": .null,
            "is_favorite": .bool(false),
            "rating_updated_at": .null,
            "favorite_updated_at": .null,
        ])
    }

    static func json(of outputs: [JobCompletion.Output]) -> JSONValue {
        .array(outputs.map { .object(["kind": .string($0.kind.rawValue), "url": .string($0.url)]) })
    }

    /// One entry of `GET generation/backends`.
    func backend(_ backend: Backend, id: Int) -> JSONValue {
        let status = backend.status
        return .object([
            "id": .string(String(id)),
            "url": .string(backend.url),
            "draining": .bool(status.draining),
            "healthy": status.healthy.map(JSONValue.bool) ?? .null,
            "current_job": text(status.currentJob?.rawValue),
            "completed_jobs": number(status.completedJobs),
            "last_error": text(status.lastError),
            "last_checked_at": time(status.lastCheckedAt),
            "flavor": text(status.flavor?.rawValue),
            "loaded_model": text(status.inventory?.loadedCheckpoint),
            "checkpoints": number(status.inventory?.checkpoints.count),
            "loras": number(status.inventory?.loras.count),
            "inventory_read_at": time(status.inventory?.refreshedAt),
            "circuit": .string(status.circuit.state.name),
            "consecutive_failures": number(status.circuit.consecutiveFailures),
            "retry_at": time(status.circuit.retryAt),
            "busy_elsewhere": .bool(status.busyElsewhere),
            "paced_until": time(status.pacedUntil),
        ])
    }
}
