import DynamicJSON
import EaselCore
import EaselGeneration
import EaselRealtime
import Foundation

/// The queue operations behind both the REST routes and the socket's requests: request fields (JSON) are read with
/// the REST submit parser, every refusal is a `QueueRequestError` naming its field.
struct HubQueueOperations: QueueOperations {
    let service: GenerationService
    let backends: [Backend]
    let defaultReturnFormat: ReturnFormat
    let maxBatchSize: Int
    /// Told each batch once stored, before its jobs are announced (the socket service tracks it).
    let batchStored: @Sendable (BatchID, [JobID]) -> Void

    func submit(_ fields: [String: JSONValue]) async throws -> JobID {
        let options = try Options(fields, defaultReturnFormat: defaultReturnFormat)
        let submission = try self.submission(fields["job"] ?? .null, field: "job", options)
        return try await invalidAsRequestError(under: "job") {
            try await service.submit(
                submission.parameters, returnFormat: submission.returnFormat, priority: submission.priority,
                requirements: submission.requirements, note: submission.note, callbackURL: submission.callbackURL,
                timeoutSeconds: submission.timeoutSeconds).id
        }
    }

    func submitBatch(_ fields: [String: JSONValue], as batchID: BatchID) async throws -> [JobID] {
        let options = try Options(fields, defaultReturnFormat: defaultReturnFormat)
        let bodies = try BatchBodies.expand(fields, maxSize: maxBatchSize)
        let submissions = try bodies.map { try submission($0.body, field: $0.field, options) }
        let jobs = try await invalidAsRequestError(under: nil) {
            try await service.submitBatch(submissions, as: batchID) { jobs in batchStored(batchID, jobs.map(\.id)) }
        }
        return jobs.map(\.id)
    }

    func cancel(jobIDs: [JobID], batchID: BatchID?) async throws -> (cancelled: [JobID], cancelling: [JobID]) {
        if let batchID, jobIDs.isEmpty {
            guard let outcome = try await service.cancelBatch(batchID) else {
                throw QueueRequestError(.unknownBatch, "No such batch: \(batchID)", field: "batch_id")
            }
            return (outcome.cancelled, outcome.cancelling)
        }
        for id in jobIDs {
            guard let job = try await service.store.job(id) else { throw QueueRequestError(.unknownJob, "No such job: \(id)", field: "job_ids") }
            if let batchID, job.batchID != batchID {
                throw QueueRequestError(.jobNotInBatch, "Job \(id) is not a job of batch \(batchID)", field: "job_ids")
            }
        }
        let outcome = try await service.cancel(jobIDs)
        return (outcome.cancelled, outcome.cancelling)
    }

    func reprioritize(_ ids: [JobID], to priority: Int) async throws -> [JobID] {
        guard SubmitRequest.priorities.contains(priority) else {
            throw QueueRequestError(.invalidRequest, "must be an integer between -100 and 100", field: "priority")
        }
        return try await service.reprioritize(ids, to: priority).map(\.id)
    }

    func move(_ id: JobID, to place: QueuePlace) async throws -> Int {
        try await service.move(id, to: place).priority
    }

    func batch(_ id: BatchID) async throws -> (jobIDs: [JobID], counts: BatchCounts)? {
        let counts = try await service.store.batchCounts(id)
        guard counts.total > 0 else { return nil }
        return (try await service.store.batchJobIDs(id, limit: counts.total, offset: 0), counts)
    }

    /// A JSON `priority`: an integer in `SubmitRequest.priorities`, or the request error naming the field.
    static func priority(_ value: JSONValue?) throws -> Int {
        guard case .number(let number)? = value, let priority = Int(exactly: number), SubmitRequest.priorities.contains(priority)
        else { throw QueueRequestError(.invalidRequest, "must be an integer between -100 and 100", field: "priority") }
        return priority
    }

    /// A batch's or a request's `priority` and `return_format`.
    struct Options {
        var priority = 0
        var returnFormat: ReturnFormat

        init(_ fields: [String: JSONValue], defaultReturnFormat: ReturnFormat) throws {
            returnFormat = defaultReturnFormat
            switch fields["priority"] {
            case nil, .null?: break
            case let value: priority = try HubQueueOperations.priority(value)
            }
            switch fields["return_format"] {
            case nil, .null?: break
            case .string(let text)? where ReturnFormat(rawValue: text) != nil: returnFormat = ReturnFormat(rawValue: text)!
            default: throw QueueRequestError(.invalidRequest, "must be one of url, base64, file_path", field: "return_format")
            }
        }
    }

    /// One body read as the REST submit reads it, its model and LoRAs checked against the pool.
    private func submission(_ body: JSONValue, field: String, _ options: Options) throws -> GenerationService.Submission {
        guard case .object = body else { throw QueueRequestError(.invalidRequest, "must be a JSON object", field: field) }
        do {
            let parsed = try SubmitRequest.parseBody(try JSONEncoder().encode(body), prefix: field)
            let routing = try PoolRequirements(backends: backends).resolve(
                model: parsed.model ?? parsed.parameters.request.checkpointInBody, prompt: parsed.parameters.prompt ?? "")
            return GenerationService.Submission(
                parameters: parsed.parameters, returnFormat: options.returnFormat, priority: options.priority,
                requirements: routing.requirements, callbackURL: parsed.callbackURL, note: routing.note,
                timeoutSeconds: parsed.timeoutSeconds)
        } catch let problem as ParameterError {
            throw QueueRequestError(.invalidRequest, problem.message, field: problem.field)
        } catch let invalid as GenerationService.InvalidParameters {
            let problem = invalid.problems.first
            throw QueueRequestError(.invalidRequest, problem?.message ?? "is not valid", field: "\(field).\(problem?.field ?? "body")")
        }
    }

    /// The service's refusals of a body as request errors, their fields under `prefix` (the body's field).
    private func invalidAsRequestError<T>(under prefix: String?, _ operation: () async throws -> T) async throws -> T {
        func field(_ name: String) -> String { prefix.map { "\($0).\(name)" } ?? name }
        do {
            return try await operation()
        } catch let invalid as GenerationService.InvalidParameters {
            let problem = invalid.problems.first
            throw QueueRequestError(.invalidRequest, problem?.message ?? "is not valid", field: field(problem?.field ?? "body"))
        } catch let tooLarge as InputImages.TooLarge {
            throw QueueRequestError(.invalidRequest, "the image is larger than \(tooLarge.limit) bytes", field: field(tooLarge.field))
        }
    }
}
