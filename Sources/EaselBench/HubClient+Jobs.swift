import Foundation

extension HubClient {
    /// Where and when a finished job ran, from `GET /api/v1/generation/jobs/<id>`.
    struct JobRecord {
        var backend: String
        var model: String?
        var created: Date
        var started: Date
        var finished: Date?
        var completed: Bool
    }

    /// The job's record; nil when it has not started on a backend.
    func jobRecord(_ id: String) async throws -> JobRecord? {
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await get("/api/v1/generation/jobs/\(id)")))
        guard let job = (body as? [String: Any])?["delivery"] as? [String: Any],
              let backend = job["backend_url"] as? String,
              let created = (job["created_at"] as? String).flatMap(Self.date),
              let started = (job["started_at"] as? String).flatMap(Self.date)
        else { return nil }
        return JobRecord(
            backend: backend, model: job["model"] as? String, created: created, started: started,
            finished: (job["finished_at"] as? String).flatMap(Self.date), completed: job["status"] as? String == "completed")
    }

    /// `GET /api/v1/generation/backends`: each backend's URL with its loaded checkpoint (nil until its inventory is
    /// read) and whether it is running a job.
    func backends() async throws -> [(url: String, loadedModel: String?, busy: Bool)] {
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await get("/api/v1/generation/backends")))
        let backends = (body as? [String: Any])?["backends"] as? [[String: Any]] ?? []
        return backends.compactMap { backend in
            guard let url = backend["url"] as? String else { return nil }
            return (url, backend["loaded_model"] as? String, backend["current_job"] is String)
        }
    }

    /// Waits until every backend's inventory is read; returns each backend's loaded checkpoint title by URL.
    func waitForInventories(count: Int) async throws -> [String: String] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let loaded = try await backends().reduce(into: [String: String]()) { map, backend in
                if let model = backend.loadedModel { map[backend.url] = model }
            }
            if loaded.count == count { return loaded }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HubError(description: "the backends' inventories were not read within 30 s")
    }

    private static func date(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx"
        return formatter.date(from: text)
    }
}
