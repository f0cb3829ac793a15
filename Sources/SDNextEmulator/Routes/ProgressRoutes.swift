import Hummingbird
import SDNextModels

/// The routes that never take the queue lock and answer at once during a generation:
/// `/progress`, `/status`, `/interrupt`, `/skip`, `/history` and `/internal/progress` (and A1111's
/// `/internal/pending-tasks`).
struct ProgressRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let controls: EmulatorControls

    func register(on group: RouterGroup<Context>) {
        group.get("/sdapi/v1/progress") { request, _ in
            if await controls.faults.progressFailure {
                throw APIError.runtime("progress unavailable (injected fault)")
            }
            let skipImage = try request.boolQuery("skip_current_image", default: false)
            return Response.json(await state.progressJSON(skipCurrentImage: skipImage))
        }
        group.get("/sdapi/v1/status") { _, _ in
            Response.json(await state.statusJSON())
        }
        group.post("/sdapi/v1/interrupt") { _, _ in
            await state.interrupt()
            return state.flavor.stopResponse(interrupt: true)
        }
        group.post("/sdapi/v1/skip") { _, _ in
            await state.skip()
            return state.flavor.stopResponse(interrupt: false)
        }
        if state.flavor.tracksTasks {
            group.get("/internal/pending-tasks") { _, _ in
                Response.json(await state.pendingTasksJSON)
            }
        }
        group.get("/sdapi/v1/history") { request, _ in
            let id = request.uri.queryParameters.get("id").flatMap { $0.isEmpty ? nil : $0 }
            return Response.json(await state.historyJSON(id: id))
        }
        group.post("/internal/progress") { request, context in
            var request = request
            guard let body = try await request.jsonBody(context: context).objectValue else {
                throw APIError.validation([
                    ValidationIssue(type: "model_attributes_type", loc: ["body"],
                        msg: "Input should be a valid dictionary or object to extract fields from", input: .null)
                ])
            }
            let idTask = try Self.field(body, "id_task", .string).stringValue
            let idLivePreview = try Self.field(body, "id_live_preview", .int).intValue ?? -1
            return Response.json(await state.internalProgressJSON(idTask: idTask, idLivePreview: idLivePreview))
        }
    }

    private static func field(_ body: JSONObject, _ name: String, _ type: SDNextFieldType) throws -> JSONValue {
        switch SDNextField(name, type, .null).validate(body[name] ?? .null) {
        case .success(let value): return value
        case .failure(let issues): throw APIError.validation(issues.all)
        }
    }
}
