import EaselCore
import EaselGeneration
import Foundation
import Hummingbird
import SDNext

/// The origin's `generation/*` REST routes, mounted under both `/api/v1` and `/v1`.
struct GenerationController<Context: RequestContext> {
    let service: GenerationService
    let backends: [Backend]
    let defaultReturnFormat: ReturnFormat

    private var views: JobViews { JobViews(service: service) }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("generation/queue-generation", use: queue)
        group.post("generation/generate", use: generate)
        group.get("generation/jobs/active", use: activeJobs)
        group.get("generation/jobs/:id", use: job)
        group.get("generation/jobs/:id/inputs/:name", use: input)
        group.post("generation/jobs/:id/cancel", use: cancel)
        group.get("generation/backends", use: listBackends)
        ResultsController<Context>(service: service).addRoutes(to: group)
    }

    @Sendable func queue(_ request: Request, context: Context) async throws -> JSONResponse {
        var request = request
        let submission = try await SubmitRequest.parse(
            &request, defaultReturnFormat: defaultReturnFormat, maxBodySize: service.limits.maxRequestBytes)
        let job = try await submit {
            let routing = try routing(of: submission)
            return try await service.submit(
                submission.parameters, returnFormat: submission.returnFormat, priority: submission.priority,
                requirements: routing.requirements, note: routing.note, callbackURL: submission.callbackURL,
                idempotency: submission.idempotency, timeoutSeconds: submission.timeoutSeconds)
        }
        return JSONResponse(.object(["delivery_id": .string(job.id.rawValue)]))
    }

    @Sendable func generate(_ request: Request, context: Context) async throws -> JSONResponse {
        var request = request
        let submission = try await SubmitRequest.parse(
            &request, defaultReturnFormat: defaultReturnFormat, maxBodySize: service.limits.maxRequestBytes)
        let (job, completion) = try await submit {
            let routing = try routing(of: submission)
            return try await service.generate(
                submission.parameters, returnFormat: submission.returnFormat, requirements: routing.requirements,
                note: routing.note, callbackURL: submission.callbackURL, idempotency: submission.idempotency,
                timeoutSeconds: submission.timeoutSeconds)
        }
        return JSONResponse(views.result(of: job, completion: completion))
    }

    @Sendable func activeJobs(_ request: Request, context: Context) async throws -> JSONResponse {
        let limit = try Self.limit(request, default: 50, range: 1...200)
        let jobs = try await service.store.activeJobs(limit: limit)
        return JSONResponse(.array(jobs.map(views.activeJob)))
    }

    @Sendable func job(_ request: Request, context: Context) async throws -> JSONResponse {
        guard let job = try await service.store.job(try Self.jobID(context)) else { throw APIError.notFound("Job not found") }
        let deliveries = try await service.store.webhookDeliveries(of: job.id)
        return JSONResponse(.object(["delivery": views.delivery(job, webhooks: deliveries)]))
    }

    /// One input image of a job, as its parameters' `input:` reference names it.
    @Sendable func input(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.jobID(context)
        guard let name = context.parameters.get("name"), let image = service.inputs.image(of: id, named: name) else {
            throw APIError.notFound("Input image not found")
        }
        return Response(
            status: .ok, headers: [.contentType: image.mimeType, .contentLength: "\(image.data.count)"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: image.data)))
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> JSONResponse {
        switch try await service.cancel(try Self.jobID(context)) {
        case .notFound:
            throw APIError.notFound("Job not found")
        case .notCancellable(let status):
            throw APIError(.badRequest, "Job cannot be cancelled in its current state (\(status.rawValue))")
        case .cancelled, .cancelling:
            return JSONResponse(.object([
                "success": .bool(true), "status": .string("cancelled"), "message": .string("Generation job cancelled"),
            ]))
        }
    }

    @Sendable func listBackends(_ request: Request, context: Context) async throws -> JSONResponse {
        JSONResponse(.object([
            "sdnext": .bool(backends.contains { $0.status.healthy == true }),
            "backends": .array(backends.enumerated().map { views.backend($1, id: $0) }),
        ]))
    }

    /// The submission's model and LoRAs, checked against the pool's inventory.
    private func routing(of submission: SubmitRequest) throws -> PoolRequirements.Resolution {
        try PoolRequirements(backends: backends).resolve(
            model: submission.model ?? submission.parameters.request.checkpointInBody, prompt: submission.parameters.prompt ?? "")
    }

    private func submit<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as GenerationService.InvalidParameters {
            throw APIError.invalid(error.problems)
        } catch let error as InputImages.TooLarge {
            throw APIError.tooLarge(field: error.field, limit: error.limit)
        } catch let error as GenerationService.IdempotencyConflict {
            throw APIError.invalid(
                [ParameterError(
                    field: "Idempotency-Key",
                    message: "was used within the last 24 h for another request (job \(error.jobID.rawValue))")],
                location: "header")
        } catch let error as GenerationService.StoppedWaiting {
            throw APIError(
                .serviceUnavailable,
                "Easel is shutting down; job \(error.job.id.rawValue) stays in the queue: GET generation/jobs/\(error.job.id.rawValue)")
        }
    }

    /// The `:id` path parameter, or 404 when it cannot name a job.
    static func jobID(_ context: Context) throws -> JobID {
        guard let text = context.parameters.get("id"), let id = JobID(validating: text) else {
            throw APIError.notFound("Job not found")
        }
        return id
    }

    static func limit(_ request: Request, default value: Int, range: ClosedRange<Int>, name: String = "limit") throws -> Int {
        guard let text = request.uri.queryParameters[name[...]].map(String.init) else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw APIError.invalid(
                [ParameterError(field: name, message: "must be an integer between \(range.lowerBound) and \(range.upperBound)")],
                location: "query")
        }
        return parsed
    }
}
