import DynamicJSON
import Foundation

/// How an `SDNextClient` keeps under the server's rate limit.
public enum RequestPacing: Sendable, Equatable {
    /// Read the server's limit on first use: `server_rate_limit` from its options, else the flavor's default
    /// (300 per minute on SD.Next, none on legacy SD.Next and A1111).
    case automatic
    /// Never hold calls back.
    case disabled
    /// Pace to this many cost units per minute per path.
    case perMinute(Int)
    /// Pace to this many cost units per `period` per path, for a server whose limiter counts in other windows
    /// (such as an emulator with a shortened window).
    case perWindow(Int, Duration)
}

/// One client's pacing: calls wait until `RequestBudget` says they fit under the server's limit.
///
/// Shared by every copy of the client (the server counts per IP, so copies must share one budget). With
/// `.automatic` the limit is looked up once. A failed look-up falls back to the flavor's default (no pacing
/// when even the flavor is unknown) and is tried again only after `SDNextConfiguration.rateLimitLookupRetry`,
/// so an unwell server does not get a look-up before every call. Concurrent callers share one look-up; a
/// cancelled caller stops waiting at once, and the look-up is cancelled when nobody waits for it any more.
actor RequestPacer {
    private let pacing: RequestPacing
    private var budget: RequestBudget?
    private var resolved = false
    /// When a failed look-up may be tried again (Unix seconds).
    private var retryAt = -Double.infinity
    private var lookup: Task<Void, Never>?
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var nextWaiter: UInt64 = 0

    init(pacing: RequestPacing) {
        self.pacing = pacing
        switch pacing {
        case .automatic: break
        case .disabled: resolved = true
        case .perMinute(let limit): (budget, resolved) = (Self.budget(limit: limit, period: 60), true)
        case .perWindow(let limit, let period): (budget, resolved) = (Self.budget(limit: limit, period: period.inSeconds), true)
        }
    }

    private static var now: Double { Date().timeIntervalSince1970 }

    /// The limit calls are paced to; nil paces nothing.
    var limit: Int? { budget?.limit }

    /// Waits until a call of `route` fits, then counts it as in flight.
    func admit(_ route: String, client: SDNextClient) async throws {
        if !resolved, Self.now >= retryAt { try await awaitLookup(client) }
        while let current = budget {
            let delay = current.delay(for: route, now: Self.now)
            if delay <= 0 {
                budget?.start(route)
                return
            }
            try await Task.sleep(for: .seconds(delay + 0.01))
        }
    }

    /// The answer of a call of `route` arrived; `refused` when it was a 429.
    func completed(_ route: String, refused: Bool = false) {
        if refused {
            budget?.refused(route, now: Self.now)
        } else {
            budget?.complete(route, now: Self.now)
        }
    }

    /// Seconds until a call of one of `routes` would be sent (0: now). Unknown until the limit is looked up: 0.
    func delay(forAnyOf routes: [String]) -> Double {
        guard let budget else { return 0 }
        let now = Self.now
        return routes.map { budget.delay(for: $0, now: now) }.min() ?? 0
    }

    /// Joins the running look-up (starting one if none runs) until it ends or this caller is cancelled.
    private func awaitLookup(_ client: SDNextClient) async throws {
        nextWaiter += 1
        let id = nextWaiter
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
                waiters[id] = continuation
                if lookup == nil { lookup = Task { await self.runLookup(client) } }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let continuation = waiters.removeValue(forKey: id) else { return }
        continuation.resume(throwing: CancellationError())
        if waiters.isEmpty {
            lookup?.cancel()
            lookup = nil
        }
    }

    private func runLookup(_ client: SDNextClient) async {
        let found = await Self.lookUp(client)
        // Cancelled: every waiter left and `cancelWaiter` already dropped this look-up.
        guard !Task.isCancelled else { return }
        lookup = nil
        adopt(found, retryAfter: client.configuration.rateLimitLookupRetry)
        let waiting = waiters.values
        waiters = [:]
        for continuation in waiting { continuation.resume() }
    }

    private func adopt(_ found: LookupResult, retryAfter: Duration) {
        let previous = budget
        budget = found.limit.map { limit in previous?.withLimit(limit) ?? RequestBudget(limit: limit) }
        resolved = found.isComplete
        retryAt = found.isComplete ? retryAt : Self.now + retryAfter.inSeconds
        for route in found.routesCalled {
            budget?.start(route)
            budget?.complete(route, now: Self.now)
        }
    }

    private struct LookupResult {
        /// The limit to pace to; nil paces nothing.
        var limit: Int?
        /// False when the server's own limit could not be read, so `limit` is only the best guess.
        var isComplete: Bool
        var routesCalled: [String]
    }

    /// `/sdapi/v1/version` for the flavor, then `/sdapi/v1/options` for `server_rate_limit`.
    private static func lookUp(_ client: SDNextClient) async -> LookupResult {
        guard let flavor = try? await client.detectFlavorUnpaced() else {
            return LookupResult(limit: nil, isComplete: false, routesCalled: ["/sdapi/v1/version"])
        }
        let routes = ["/sdapi/v1/version", "/sdapi/v1/options"]
        do {
            let answer = try await client.sendUnpaced(.GET, "/sdapi/v1/options", timeout: client.configuration.requestTimeout)
            let options = try SDNextClient.decodeJSON(try SDNextClient.checkStatus(answer))
            let limit = options["server_rate_limit"]?.intValue ?? flavor.defaultRateLimit
            return LookupResult(limit: limit.flatMap { $0 > 0 ? $0 : nil }, isComplete: true, routesCalled: routes)
        } catch {
            return LookupResult(limit: flavor.defaultRateLimit, isComplete: false, routesCalled: routes)
        }
    }

    private static func budget(limit: Int, period: Double) -> RequestBudget? {
        limit > 0 ? RequestBudget(limit: limit, period: period) : nil
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
