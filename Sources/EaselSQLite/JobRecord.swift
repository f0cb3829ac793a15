import EaselCore
import Foundation
import GRDB

/// A `job` table row. Parameters and results are JSON text so the schema need not follow every field.
struct JobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job"

    var id: String
    var prompt: String
    var params: String
    var returnFormat: String
    var status: String
    var priority: Int
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var attempts: Int
    var backend: String?
    var error: String?
    var errorCode: String?
    var cancelRequestedAt: Date?
    var result: String?
    /// The required checkpoint's title; '' when the job needs none (so that the route index orders one way).
    var model: String
    /// The required LoRAs as a JSON array of sorted names; `[]` when none.
    var loras: String
    /// The submit's `callback_url`, when it gave one.
    var callbackURL: String?
    var timeoutSeconds: Double?
    /// Not claimed before this (a retry's backoff); NULL: at once.
    var notBefore: Date?
    /// JSON array of the backend URLs the job failed on transiently, oldest first.
    var failedBackends: String
    var batchID: String?
    /// `Job.queueOrder`: claim order within a priority.
    var queueOrder: Double

    enum CodingKeys: String, CodingKey {
        case id, prompt, params
        case returnFormat = "return_format"
        case status, priority
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case attempts, backend, error
        case errorCode = "error_code"
        case cancelRequestedAt = "cancel_requested_at"
        case result, model, loras
        case callbackURL = "callback_url"
        case timeoutSeconds = "timeout_seconds"
        case notBefore = "not_before"
        case failedBackends = "failed_backends"
        case batchID = "batch_id"
        case queueOrder = "queue_order"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    init(_ job: Job) throws {
        id = job.id.rawValue
        prompt = job.parameters.prompt ?? ""
        params = String(decoding: try Self.encoder.encode(job.parameters), as: UTF8.self)
        returnFormat = job.returnFormat.rawValue
        status = job.status.rawValue
        priority = job.priority
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        attempts = job.attempts
        backend = job.backend
        error = job.failure?.message
        errorCode = job.failure?.code.rawValue
        cancelRequestedAt = job.cancelRequestedAt
        result = try job.result.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) }
        model = job.requirements.model ?? ""
        loras = try Self.lorasText(job.requirements.loras)
        callbackURL = job.callbackURL
        timeoutSeconds = job.timeoutSeconds
        notBefore = job.notBefore
        failedBackends = try Self.lorasText(job.failedBackends)
        batchID = job.batchID?.rawValue
        queueOrder = job.queueOrder
    }

    /// A JSON array of names (the LoRAs, the failed backends).
    static func lorasText(_ names: [String]) throws -> String {
        String(decoding: try encoder.encode(names), as: UTF8.self)
    }

    static func requirements(model: String, loras: String) throws -> JobRequirements {
        JobRequirements(model: model.isEmpty ? nil : model, loras: try names(loras))
    }

    static func names(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// A row written before failure codes existed may have a message without a code.
    private var failure: JobFailure? {
        guard error != nil || errorCode != nil else { return nil }
        return JobFailure(errorCode.map(JobFailure.Code.init(rawValue:)) ?? .internalError, error ?? "")
    }

    func job() throws -> Job {
        try job(result: try result.map { try JSONDecoder().decode(JobResult.self, from: Data($0.utf8)) })
    }

    /// The job with `result` as given: a write that just stored the result holds it already, decoded.
    func job(result: JobResult?) throws -> Job {
        Job(
            id: JobID(rawValue: id),
            parameters: try GenerationParameters(stored: Data(params.utf8)),
            requirements: try Self.requirements(model: model, loras: loras),
            returnFormat: ReturnFormat(rawValue: returnFormat) ?? .url,
            status: JobStatus(rawValue: status) ?? JobStatus(normalizing: status),
            priority: priority,
            createdAt: createdAt,
            startedAt: startedAt,
            finishedAt: finishedAt,
            attempts: attempts,
            backend: backend,
            failure: failure,
            cancelRequestedAt: cancelRequestedAt,
            result: result,
            callbackURL: callbackURL,
            timeoutSeconds: timeoutSeconds,
            notBefore: notBefore,
            failedBackends: try Self.names(failedBackends),
            batchID: batchID.map(BatchID.init(rawValue:)),
            queueOrder: queueOrder
        )
    }
}
