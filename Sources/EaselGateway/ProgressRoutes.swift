import DynamicJSON
import EaselCore
import Foundation
import Hummingbird
import SDNextModels

/// SD.Next's progress, interrupt and skip, answered for the caller's own job rather than for whatever a shared
/// server happens to run: `GET progress` and `POST /internal/progress` report the caller's running (else newest)
/// job (an A1111 client's `id_task` names one by its `force_task_id`); interrupt cancels it; skip is passed to the
/// backend running it.
extension SDNextGateway {
    func addProgressRoutes(to api: RouterGroup<Context>, internalRoutes: RouterGroup<Context>) {
        api.get("progress") { request, context in
            let caller = Caller(context)
            let skipImage = try Self.flag(request, "skip_current_image") ?? false
            let job = try await callerJob(caller)
            if let job, job.isActive, !skipImage { callers.wantPreviews(of: job.job.id) }
            return SDNextJSON(progressBody(job, caller: caller, includeImage: !skipImage))
        }
        internalRoutes.post("progress") { request, context in
            let caller = Caller(context)
            var request = request
            let body = try await request.collectBody(upTo: 1 << 16)
            let query = body.readableBytes == 0 ? [:] : (try SDNextBody.json(body).objectValue ?? [:])
            let taskID = query["id_task"]?.stringValue.flatMap { $0 == "undefined" ? nil : $0 }
            let previewID = query["id_live_preview"]?.intValue ?? -1
            let wantsPreview = previewID != -1 || query["live_preview"]?.boolValue == true
            let job = try await callerJob(caller, taskID: taskID)
            if let job, job.isActive, wantsPreview { callers.wantPreviews(of: job.job.id) }
            return SDNextJSON(internalProgressBody(job, previewID: previewID, wantsPreview: wantsPreview))
        }
        // A1111's list of the task ids still waiting (SD.Next has no such route): the caller's queued ones.
        internalRoutes.get("pending-tasks") { _, context in
            let caller = Caller(context)
            var tasks: [JSONValue] = []
            for id in callers.jobs(of: caller).reversed() {
                guard let task = callers.taskID(of: id, for: caller), try await service.store.job(id)?.status == .queued
                else { continue }
                tasks.append(.string(task))
            }
            return SDNextJSON(.object(["size": .number(Double(tasks.count)), "tasks": .array(tasks)]))
        }
        api.post("interrupt") { _, context in
            if let job = try await runningJob(of: Caller(context)) { _ = try await service.cancel(job.id) }
            return Response.noContent
        }
        api.post("skip") { _, context in
            // Sent only while the backend still runs this job: SD.Next's flag hits whatever runs next.
            if let job = try await runningJob(of: Caller(context)), job.status == .processing,
                let backend = backends.first(where: { $0.url == job.backend }), backend.status.currentJob == job.id
            {
                // Recorded before SD.Next is told, so the empty answer the skip brings is never taken for a failure.
                service.skipRequests.insert(job.id)
                if (try? await backend.client.skip()) != nil {
                    callers.markSkipped(job.id)
                } else {
                    service.skipRequests.remove(job.id)
                }
            }
            return Response.noContent
        }
    }

    /// `ResProgress`, for the caller's job; idle (SD.Next's shape between jobs) when it has none running.
    func progressBody(_ job: CallerJob?, caller: Caller, includeImage: Bool) -> JSONValue {
        let active = job?.isActive == true
        var state: [String: JSONValue] = [
            "skipped": .bool(job.map { callers.wasSkipped($0.job.id) } ?? false),
            "interrupted": .bool(job?.job.status == .cancelled),
            "job": .string(active ? job?.stageName ?? "" : ""),
            "job_count": .number(active ? 1 : 0),
            "job_timestamp": .string(job?.timestamp ?? "0"),
            "job_no": .number(0),
            "sampling_step": .number(Double(job?.step ?? 0)),
            "sampling_steps": .number(Double(job?.steps ?? 0)),
        ]
        var body: [String: JSONValue] = [
            "id": active ? .string(job?.job.id.rawValue ?? "") : .string(""),
            "progress": .number(active ? Self.rounded(job?.fraction ?? 0) : 0),
            "eta_relative": .number(active ? Self.rounded(job?.progress?.etaSeconds ?? 0) : 0),
            "current_image": active && includeImage ? (job?.progress?.previewImage).map(JSONValue.string) ?? .null : .null,
            "textinfo": job?.job.status == .queued ? .string(job?.progress?.errorMessage ?? "Waiting for a backend") : .null,
        ]
        // An A1111 client that gave its call a task id reads A1111's extra keys.
        if let job, let task = callers.taskID(of: job.job.id, for: caller) {
            state["stopping_generation"] = .bool(false)
            body["current_task"] = active ? .string(task) : .null
        }
        body["state"] = .object(state)
        return .object(body)
    }

    /// The `/internal/progress` answer for the caller's job (the one `id_task` names, else its newest).
    func internalProgressBody(_ job: CallerJob?, previewID: Int, wantsPreview: Bool) -> JSONValue {
        let status = job?.job.status
        let active = job?.isActive == true
        let preview = active && wantsPreview && job?.progressSeq != previewID ? job?.progress?.previewImage : nil
        return .object([
            "job": .string(job.map { $0.isActive ? $0.stageName : "" } ?? ""),
            "textinfo": status == .queued ? .string("Queued...") : status == .processing ? .null : .string("Waiting..."),
            "active": .bool(status == .processing),
            "queued": .bool(status == .queued),
            "paused": .bool(false),
            "completed": .bool(status?.isTerminal == true),
            "debug": .null,
            "step": .number(Double(job?.step ?? 0)),
            "steps": .number(Double(job?.steps ?? 0)),
            "batch_no": .number(0),
            "batch_count": .number(status == nil ? 0 : 1),
            "progress": .number(Self.rounded(job?.fraction ?? 0)),
            "eta": job?.eta.map { .number(Self.rounded($0)) } ?? .null,
            "live_preview": preview.map { .string(Self.dataURI($0)) } ?? .null,
            "id_live_preview": .number(Double(preview == nil ? previewID : job?.progressSeq ?? previewID)),
        ])
    }

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// A preview as the data URI SD.Next's `live_preview` is (its type read from the base64's first bytes).
    static func dataURI(_ base64: String) -> String {
        let type = base64.hasPrefix("iVBORw0KGgo") ? "png" : base64.hasPrefix("UklGR") ? "webp" : "jpeg"
        return "data:image/\(type);base64,\(base64)"
    }

    /// A boolean query parameter as FastAPI reads one (`true`/`1`/`yes`/`on` …), or a 422 naming it.
    static func flag(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.uri.queryParameters[name[...]].map(String.init) else { return nil }
        switch text.lowercased() {
        case "1", "true", "t", "yes", "y", "on": return true
        case "0", "false", "f", "no", "n", "off": return false
        default:
            throw GatewayError.validation([FieldIssue(
                type: "bool_parsing", loc: [.string("query"), .string(name)],
                msg: "Input should be a valid boolean, unable to interpret input", input: .string(text))])
        }
    }
}
