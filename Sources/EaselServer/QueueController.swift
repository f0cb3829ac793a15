import DynamicJSON
import EaselCore
import EaselGeneration
import EaselProtocol
import EaselRealtime
import Hummingbird

/// Queue control over REST: pause and resume the whole queue (kept in the store, so it holds for every node and
/// across restarts), drain and resume one backend (it finishes its job and takes no other), and the queue's summary.
/// A backend's `id` is its position in `easel serve`'s backend list, as `GET generation/backends` shows it. Held
/// backends look again every `pausePollInterval`, so a resume takes effect within it. Each change is announced to
/// every open socket (`queue_paused`, `queue_resumed`, `backend_drained`, `backend_resumed`).
struct QueueController<Context: RequestContext> {
    let service: GenerationService
    let backends: [Backend]
    let webSocket: WebSocketService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("generation/queue") { _, _ in try await summary() }
        group.post("generation/queue/pause") { _, _ in
            try await service.store.setQueuePaused(true)
            webSocket.announce(.queuePaused)
            return try await summary()
        }
        group.post("generation/queue/resume") { _, _ in
            try await service.store.setQueuePaused(false)
            webSocket.announce(.queueResumed)
            return try await summary()
        }
        group.post("generation/backends/:id/drain") { _, context in
            let (id, target) = try self.backend(context)
            target.setDraining(true)
            webSocket.announce(.backendDrained(backendID: id, url: target.url))
            return try await summary()
        }
        group.post("generation/backends/:id/resume") { _, context in
            let (id, target) = try self.backend(context)
            target.setDraining(false)
            webSocket.announce(.backendResumed(backendID: id, url: target.url))
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

    private func backend(_ context: Context) throws -> (id: String, backend: Backend) {
        guard let text = context.parameters.get("id"), let index = Int(text), backends.indices.contains(index) else {
            throw APIError.notFound("Backend not found")
        }
        return (String(index), backends[index])
    }
}
