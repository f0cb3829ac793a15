import DynamicJSON

/// The pool's recent listing answers, so clients that poll `sd-models` or `samplers` do not spend the backends'
/// SD.Next rate limit (300 per minute per client address and path, and Easel is one address): an answer is reused
/// for `lifetime`, and callers that ask while one is being fetched wait for that fetch instead of starting another.
/// Failures are not kept. At most `capacity` answers (one per route and query) are held.
///
/// A fetch runs in the task of the caller that started it (structured: it ends with that request, and so with the
/// server); the others wait for its outcome. `shared` is the same without keeping the answer, for runs that must
/// not overlap (the refresh routes).
actor ListingCache {
    private typealias Waiter = CheckedContinuation<JSONValue, any Error>

    let lifetime: Duration
    let capacity: Int
    private var ready: [String: (value: JSONValue, until: ContinuousClock.Instant)] = [:]
    /// The run under way for each key, by its number.
    private var running: [String: Int] = [:]
    /// The callers waiting for each run, by the run's number (kept apart from `running` so `removeAll` forgets a
    /// run without losing its waiters).
    private var waiters: [Int: [Waiter]] = [:]
    private var runs = 0

    init(lifetime: Duration = .seconds(3), capacity: Int = 512) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The answer for `key`: the kept one while it is fresh, else what `fetch` gives.
    func value(for key: String, fetch: @Sendable () async throws -> JSONValue) async throws -> JSONValue {
        if let kept = ready[key], kept.until > .now { return kept.value }
        return try await shared(key, keep: true, run: fetch)
    }

    /// `run`'s answer, shared with every caller that asks for `key` while it is under way; nothing is kept after.
    func shared(_ key: String, run: @Sendable () async throws -> JSONValue) async throws -> JSONValue {
        try await shared(key, keep: false, run: run)
    }

    private func shared(_ key: String, keep: Bool, run: @Sendable () async throws -> JSONValue) async throws -> JSONValue {
        if let number = running[key] {
            return try await withCheckedThrowingContinuation { waiters[number, default: []].append($0) }
        }
        runs += 1
        let number = runs
        running[key] = number
        let result: Result<JSONValue, any Error>
        do { result = .success(try await run()) } catch { result = .failure(error) }
        // A `removeAll` during the run forgot it: what it fetched may already be stale.
        if running[key] == number {
            running[key] = nil
            if keep, case .success(let value) = result {
                ready[key] = (value, .now + lifetime)
                trim()
            }
        }
        for waiter in waiters.removeValue(forKey: number) ?? [] { waiter.resume(with: result) }
        return try result.get()
    }

    /// How many callers wait for a run under way.
    var waiting: Int { waiters.values.reduce(0) { $0 + $1.count } }

    /// Forgets every answer and every run under way: after a refresh the backends list something new.
    func removeAll() {
        ready = [:]
        running = [:]
    }

    private func trim() {
        guard ready.count > capacity else { return }
        let now = ContinuousClock.now
        ready = ready.filter { $0.value.until > now }
        while ready.count > capacity, let key = ready.keys.first { ready[key] = nil }
    }
}
