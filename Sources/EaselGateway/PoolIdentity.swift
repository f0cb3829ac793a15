import DynamicJSON
import EaselCore
import EaselGeneration
import SDNext

/// `version`, `platform` and `memory` for a pool: Easel says it is Easel and lists what answers for each backend,
/// while keeping SD.Next's keys so clients that read them still work. Down backends are listed with their error.
struct PoolIdentity: Sendable {
    let fanOut: PoolFanOut
    let cache: ListingCache

    /// SD.Next's version keys (`updated`, `commit`, `branch`, `url`) are the first answering SD.Next backend's (the
    /// release whose behaviour the pool's answers follow; clients gate features on them), `app` and `version` are
    /// Easel's, and `backends` has every backend's answer with its url and flavor.
    func version() async throws -> JSONValue {
        let backends = try await perBackend("/sdapi/v1/version")
        let first = backends.first { $0["app"]?.stringValue == "sd.next" }
        var answer: [String: JSONValue] = [
            "app": .string("easel"), "version": .string(EaselVersion.current), "ui": .string("unavailable"),
            "kanvas": .string("unavailable"),
        ]
        for key in ["updated", "commit", "branch", "url"] { answer[key] = first?[key] ?? .string("unknown") }
        answer["backends"] = .array(backends)
        return .object(answer)
    }

    /// The union of the backends' platform answers (their packages), marked as Easel's, with each backend's own.
    func platform() async throws -> JSONValue {
        let backends = try await perBackend("/sdapi/v1/platform")
        var answer = JSONUnion().merge(backends.filter { $0["error"] == nil }).objectValue ?? [:]
        answer["url"] = nil
        answer["flavor"] = nil
        answer["app"] = .string("easel")
        answer["version"] = .string(EaselVersion.current)
        answer["backends"] = .array(backends)
        return .object(answer)
    }

    /// Easel's own RAM in `ram`, no GPU of its own in `cuda`, and each backend's memory answer in `backends`.
    func memory() async throws -> JSONValue {
        .object([
            "ram": ProcessMemory.ram, "cuda": .object(["error": .string("unavailable")]),
            "backends": .array(try await perBackend("/sdapi/v1/memory")),
        ])
    }

    /// Every backend's answer to `path` with its `url` and `flavor` added, in pool order; `error` for one that
    /// did not answer.
    private func perBackend(_ path: String) async throws -> [JSONValue] {
        try await cache.value(for: path) { [fanOut] in
            let outcomes = await fanOut.outcomes { try await $0.client.getJSON(path) }
            let entries = fanOut.backends.map { backend -> JSONValue in
                var entry: [String: JSONValue] = ["url": .string(backend.url)]
                let status = backend.status
                if let flavor = status.flavor { entry["flavor"] = .string(flavor.rawValue) }
                if status.flavor == .a1111 { entry["app"] = .string("a1111") }
                switch outcomes.first(where: { $0.backend === backend })?.result {
                case .success(let answer):
                    entry.merge(answer.objectValue ?? ["answer": answer]) { mine, _ in mine }
                case .failure(let error):
                    entry["error"] = .string((error as? SDNextError)?.message ?? "\(error)")
                case nil:
                    entry["error"] = .string("unhealthy: " + (status.lastError ?? "its health check failed"))
                }
                return .object(entry)
            }
            return .array(entries)
        }.arrayValue ?? []
    }
}
