import EaselCore
import EaselGeneration
import Foundation
import Hummingbird
import SDNext

/// Finished jobs and their images: the origin's `generation/results*` routes, plus one route per image,
/// which is what `generation_complete` points at by default.
struct ResultsController<Context: RequestContext> {
    let service: GenerationService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("generation/results", use: list)
        group.get("generation/results/:id/download", use: download)
        group.get("generation/results/:id/images/:index", use: image)
        group.get("generation/results/:id/processed/:index", use: processed)
        group.delete("generation/results/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> JSONResponse {
        let limit = try GenerationController<Context>.limit(request, default: 20, range: 1...100)
        let offset = try GenerationController<Context>.limit(request, default: 0, range: 0...Int(Int32.max), name: "offset")
        let before = try await cursor(request)
        let jobs = try await service.store.completedJobs(limit: limit, offset: offset, before: before)
        return JSONResponse(.array(jobs.map(JobViews(service: service).resultSummary)))
    }

    /// `before`: the id of a completed job; the page holds older ones (an O(limit) way to page, however deep).
    private func cursor(_ request: Request) async throws -> JobID? {
        guard let text = request.uri.queryParameters["before"].map(String.init) else { return nil }
        guard let id = JobID(validating: text), try await service.store.job(id)?.status == .completed else {
            throw APIError.invalid(
                [ParameterError(field: "before", message: "must be the id of a completed job")], location: "query")
        }
        return id
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        try await imageResponse(context, index: 0, attachment: true)
    }

    @Sendable func image(_ request: Request, context: Context) async throws -> Response {
        guard let index = context.parameters.get("index", as: Int.self) else { throw APIError.notFound("Image not found") }
        return try await imageResponse(context, index: index, attachment: false)
    }

    /// A control job's processed control map.
    @Sendable func processed(_ request: Request, context: Context) async throws -> Response {
        guard let index = context.parameters.get("index", as: Int.self) else { throw APIError.notFound("Image not found") }
        return try await imageResponse(context, index: index, attachment: false, of: \.processed)
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try GenerationController<Context>.jobID(context)
        guard try await service.store.deleteFinished(id) != nil else { throw APIError.notFound("Result not found") }
        // The row is gone: remove both folders even if the first removal fails, then report that failure.
        let images = Result { try service.presenter.images.deleteImages(of: id) }
        try service.inputs.delete(of: id)
        try images.get()
        return Response(status: .noContent)
    }

    private func imageResponse(
        _ context: Context, index: Int, attachment: Bool, of list: KeyPath<JobResult, [StoredImage]> = \.images
    ) async throws -> Response {
        let id = try GenerationController<Context>.jobID(context)
        guard let job = try await service.store.job(id), job.status == .completed else {
            throw APIError.notFound("Result not found")
        }
        guard let images = job.result?[keyPath: list], images.indices.contains(index),
              let data = try? service.presenter.images.data(of: images[index])
        else { throw APIError.notFound("Result asset is unavailable") }
        let stored = images[index]
        var headers: HTTPFields = [.contentType: stored.mimeType, .contentLength: "\(data.count)"]
        if attachment {
            let name = "\(id.rawValue)-\(index).\(stored.fileName.split(separator: ".").last ?? "img")"
            headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
