import DynamicJSON
import EaselCore
import EaselGeneration
import EaselProtocol
import Foundation
import Hummingbird

/// Batches and the queue's order over REST: the same operations, parser and refusals as the socket's requests.
struct BatchController<Context: RequestContext> {
    let operations: HubQueueOperations
    /// Largest batch body accepted (a batch is many submit bodies).
    let maxBodySize: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("generation/batches", use: submitBatch)
        group.get("generation/batches/:id", use: batch)
        group.post("generation/batches/:id/cancel", use: cancelBatch)
        group.patch("generation/jobs/:id", use: reprioritize)
        group.post("generation/jobs/:id/move", use: move)
    }

    @Sendable func submitBatch(_ request: Request, context: Context) async throws -> JSONResponse {
        let fields = try await Self.object(request, maxBodySize: maxBodySize)
        let batch = BatchID.make()
        let ids = try await refusingAsHTTP { try await operations.submitBatch(fields, as: batch) }
        return JSONResponse(.object(["batch_id": .string(batch.rawValue), "job_ids": .array(ids.map { .string($0.rawValue) })]))
    }

    /// Counts by status, overall progress (ended jobs over all; the socket's `batch_progress` adds running fractions)
    /// and one page of job ids (`limit` ≤ 1,000, `offset`).
    @Sendable func batch(_ request: Request, context: Context) async throws -> JSONResponse {
        let id = try Self.batchID(context)
        let limit = try GenerationController<Context>.limit(request, default: 100, range: 1...1_000)
        let offset = try GenerationController<Context>.limit(request, default: 0, range: 0...Int(Int32.max), name: "offset")
        let counts = try await operations.service.store.batchCounts(id)
        guard counts.total > 0 else { throw Self.httpError(QueueRequestError(.unknownBatch, "No such batch: \(id)")) }
        let ids = try await operations.service.store.batchJobIDs(id, limit: limit, offset: offset)
        let byStatus = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0.rawValue, JSONValue.number(Double(counts[$0]))) })
        return JSONResponse(.object([
            "batch_id": .string(id.rawValue), "total": .number(Double(counts.total)), "counts": .object(byStatus),
            "done": .number(Double(counts[.completed])), "failed": .number(Double(counts[.failed])),
            "cancelled": .number(Double(counts[.cancelled])), "complete": .bool(counts.ended == counts.total),
            "progress": .number(Double(counts.ended) / Double(counts.total)),
            "job_ids": .array(ids.map { .string($0.rawValue) }), "limit": .number(Double(limit)), "offset": .number(Double(offset)),
        ]))
    }

    @Sendable func cancelBatch(_ request: Request, context: Context) async throws -> JSONResponse {
        let id = try Self.batchID(context)
        let (cancelled, cancelling) = try await refusingAsHTTP { try await operations.cancel(jobIDs: [], batchID: id) }
        return JSONResponse(.object([
            "batch_id": .string(id.rawValue), "cancelled": .array(cancelled.map { .string($0.rawValue) }),
            "cancelling": .array(cancelling.map { .string($0.rawValue) }),
        ]))
    }

    /// `{"priority": n}`: a queued job's new priority.
    @Sendable func reprioritize(_ request: Request, context: Context) async throws -> JSONResponse {
        let id = try GenerationController<Context>.jobID(context)
        let fields = try await Self.object(request, maxBodySize: 4_096)
        let priority = try await refusingAsHTTP { try HubQueueOperations.priority(fields["priority"]) }
        _ = try await refusingAsHTTP { try await operations.reprioritize([id], to: priority) }
        return JSONResponse(.object(["job_id": .string(id.rawValue), "priority": .number(Double(priority))]))
    }

    /// `{"to": "top" | "bottom" | {"before": id}}`.
    @Sendable func move(_ request: Request, context: Context) async throws -> JSONResponse {
        let id = try GenerationController<Context>.jobID(context)
        let fields = try await Self.object(request, maxBodySize: 4_096)
        guard let place = QueuePlace(wire: fields["to"]) else {
            throw Self.httpError(QueueRequestError(.invalidRequest, "must be \"top\", \"bottom\" or {\"before\": job id}", field: "to"))
        }
        let priority = try await refusingAsHTTP { try await operations.move(id, to: place) }
        return JSONResponse(.object(["job_id": .string(id.rawValue), "priority": .number(Double(priority))]))
    }

    private func refusingAsHTTP<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as QueueRequestError {
            throw Self.httpError(error)
        }
    }

    /// A refusal as HTTP: 404 for an unknown job or batch, 409 for a job not queued, 422 otherwise; the body names
    /// the `error_code` and the `field`.
    static func httpError(_ error: QueueRequestError) -> APIError {
        let status: HTTPResponse.Status = switch error.code {
        case .unknownJob, .unknownBatch: .notFound
        case .jobNotQueued: .conflict
        default: .unprocessableContent
        }
        let title = error.field.map { "\($0): \(error.message)" } ?? error.message
        return APIError(status: status, body: .object([
            "type": .string("about:blank"), "title": .string(title), "status": .number(Double(status.code)),
            "error_code": .string(error.code.rawValue), "field": error.field.map(JSONValue.string) ?? .null,
        ]))
    }

    private static func object(_ request: Request, maxBodySize: Int) async throws -> [String: JSONValue] {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw APIError(.contentTooLarge, "Request body is larger than \(maxBodySize) bytes")
        }
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw httpError(QueueRequestError(.invalidRequest, "must be a JSON object", field: "body"))
        }
        return fields
    }

    private static func batchID(_ context: Context) throws -> BatchID {
        guard let text = context.parameters.get("id"), let id = BatchID(validating: text) else {
            throw httpError(QueueRequestError(.unknownBatch, "No such batch"))
        }
        return id
    }
}
