import DynamicJSON
import EaselCore
import EaselGeneration
import Hummingbird

/// Queue control over REST: pause and resume the whole queue (kept in the store, so it holds for every node and
/// across restarts), drain and resume one backend (it finishes its job and takes no other), and the queue's summary.
/// A backend's `id` is its position in `easel serve`'s backend list, as `GET generation/backends` shows it. Held
/// backends look again every `pausePollInterval`, so a resume takes effect within it.
struct QueueController<Context: RequestContext> {
    let service: GenerationService
    let backends: [Backend]

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("generation/queue") { _, _ in try await summary() }
        group.post("generation/queue/pause") { _, _ in
            try await service.store.setQueuePaused(true)
            return try await summary()
        }
        group.post("generation/queue/resume") { _, _ in
            try await service.store.setQueuePaused(false)
            return try await summary()
        }
        group.post("generation/backends/:id/drain") { _, context in
            try backend(context).setDraining(true)
            return try await summary()
        }
        group.post("generation/backends/:id/resume") { _, context in
            try backend(context).setDraining(false)
            return try await summary()
        }
    }

    /// `{paused, counts: {status: n}, backends: [{id, url, healthy, draining, held_by, current_job}]}`.
    private func summary() async throws -> JSONResponse {
        var counts: [String: JSONValue] = [:]
        for status in JobStatus.allCases { counts[status.rawValue] = .number(Double(try await service.store.count(of: status))) }
        return JSONResponse(.object([
            "paused": .bool(try await service.store.isQueuePaused()),
            "counts": .object(counts),
            "backends": .array(backends.enumerated().map { index, backend in
                let status = backend.status
                return .object([
                    "id": .string(String(index)), "url": .string(backend.url),
                    "healthy": status.healthy.map(JSONValue.bool) ?? .null, "draining": .bool(status.draining),
                    "held_by": status.heldBy.map(JSONValue.string) ?? .null,
                    "current_job": status.currentJob.map { .string($0.rawValue) } ?? .null,
                ])
            }),
        ]))
    }

    private func backend(_ context: Context) throws -> Backend {
        guard let text = context.parameters.get("id"), let index = Int(text), backends.indices.contains(index) else {
            throw APIError.notFound("Backend not found")
        }
        return backends[index]
    }
}
