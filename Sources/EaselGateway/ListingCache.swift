import DynamicJSON

/// The pool's recent listing answers, so clients that poll `sd-models` or `samplers` do not spend the backends'
/// SD.Next rate limit (300 per minute per client address, and Easel is one address): an answer is reused for
/// `lifetime`, and callers that ask while one is being fetched wait for that fetch instead of starting another.
/// Failures are not kept. At most `capacity` answers (one per route and query) are held.
actor ListingCache {
    private enum Entry {
        case fetching(Task<Result<JSONValue, any Error>, Never>)
        case ready(JSONValue, until: ContinuousClock.Instant)
    }

    let lifetime: Duration
    let capacity: Int
    private var entries: [String: Entry] = [:]

    init(lifetime: Duration = .seconds(3), capacity: Int = 512) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The answer for `key`: the kept one while it is fresh, else what `fetch` gives.
    func value(for key: String, fetch: @escaping @Sendable () async throws -> JSONValue) async throws -> JSONValue {
        switch entries[key] {
        case .ready(let value, let until) where until > .now:
            return value
        case .fetching(let task):
            return try await task.value.get()
        default:
            break
        }
        let task = Task { () -> Result<JSONValue, any Error> in
            do { return .success(try await fetch()) } catch { return .failure(error) }
        }
        entries[key] = .fetching(task)
        let result = await task.value
        // A `removeAll` during the fetch forgot it: what it fetched may already be stale.
        if case .fetching(let current) = entries[key], current == task {
            if case .success(let value) = result {
                entries[key] = .ready(value, until: .now + lifetime)
                trim()
            } else {
                entries[key] = nil
            }
        }
        return try result.get()
    }

    /// Forgets every answer: after a refresh the backends list something new.
    func removeAll() {
        entries = [:]
    }

    private func trim() {
        guard entries.count > capacity else { return }
        let now = ContinuousClock.now
        entries = entries.filter { if case .ready(_, let until) = $0.value { until > now } else { true } }
        while entries.count > capacity, let key = entries.first(where: { if case .ready = $0.value { true } else { false } })?.key {
            entries[key] = nil
        }
    }
}
