import DynamicJSON
import EaselCore
import Foundation
import Hummingbird

/// SD.Next's `status` and `history` for a pool: the caller's own job where SD.Next reports the one it runs, and
/// the pool's real queue where SD.Next can only count its UI's tasks.
extension SDNextGateway {
    func addStatusRoutes(to api: RouterGroup<Context>) {
        let started = Date()
        api.get("status") { _, context in
            let caller = Caller(context)
            let job = try await callerJob(caller)
            let queued = try await service.store.count(of: .queued)
            return SDNextJSON(statusBody(
                job, total: callers.jobs(of: caller).count, queued: queued, uptime: Date().timeIntervalSince(started)))
        }
        api.get("history") { request, context in
            let caller = Caller(context)
            // SD.Next reads an empty `id` as none.
            let only = request.uri.queryParameters["id"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            var entries: [JSONValue] = []
            for id in callers.jobs(of: caller).reversed() where only == nil || only == id.rawValue {
                if let job = try await service.store.job(id) { entries += historyEntries(of: job) }
            }
            return SDNextJSON(.array(entries))
        }
    }

    func statusBody(_ job: CallerJob?, total: Int, queued: Int, uptime: TimeInterval) -> JSONValue {
        let active = job?.isActive == true
        // SD.Next's order: interrupted, then skipped, then running or idle; the flags outlive the job, as there.
        let status = job?.job.status == .cancelled ? "interrupted"
            : job.map { callers.wasSkipped($0.job.id) } == true ? "skipped" : active ? "running" : "idle"
        let elapsed = job?.job.startedAt.map { (job?.job.finishedAt ?? Date()).timeIntervalSince($0) }
        return .object([
            "status": .string(status),
            "task": .string(active ? job?.stageName ?? "" : ""),
            "timestamp": active ? .string(job?.timestamp ?? "") : .null,
            "current": .string(""),
            "id": .string(active ? job?.job.id.rawValue ?? "" : ""),
            "job": .number(0),
            "jobs": .number(active ? 1 : 0),
            "total": .number(Double(total)),
            "step": .number(Double(job?.step ?? 0)),
            "steps": .number(Double(job?.steps ?? 0)),
            "queued": .number(Double(queued)),
            "uptime": .number(uptime.rounded(.down)),
            "elapsed": elapsed.map { .number(Self.rounded($0)) } ?? .null,
            "eta": job?.eta.map { .number(Self.rounded($0)) } ?? .null,
            "progress": job.map { .number(Self.rounded($0.fraction)) } ?? .null,
        ])
    }

    /// A job as SD.Next's stage log writes a stage: a `begin` entry, and an `end` entry with its duration and
    /// outputs (Easel's image URLs) once it ended.
    func historyEntries(of job: Job) -> [JSONValue] {
        let name = JSONValue.string(CallerJob(job: job, progress: nil, progressSeq: 0).routeStage.lowercased())
        var entries: [JSONValue] = [.object([
            "id": .string(job.id.rawValue), "job": name, "op": .string("begin"),
            "timestamp": .number((job.startedAt ?? job.createdAt).timeIntervalSince1970), "duration": .null,
            "outputs": .array([]),
        ])]
        if let finished = job.finishedAt, job.status.isTerminal {
            entries.append(.object([
                "id": .string(job.id.rawValue), "job": name, "op": .string("end"),
                "timestamp": .number(finished.timeIntervalSince1970),
                "duration": job.duration.map { .number(Self.rounded($0)) } ?? .null,
                "outputs": .array(service.presenter.completion(for: job).images.map(JSONValue.string)),
            ]))
        }
        return entries
    }
}
