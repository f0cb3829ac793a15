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
}

/// One client's pacing: calls wait until `RequestBudget` says they fit under the server's limit.
///
/// Shared by every copy of the client (the server counts per IP, so copies must share one budget). The
/// limit is looked up once; a failed look-up paces nothing and is tried again on the next call.
actor RequestPacer {
    private let pacing: RequestPacing
    private var budget: RequestBudget?
    private var lookup: Task<RequestBudget?, any Error>?
    private var resolved = false

    init(pacing: RequestPacing) {
        self.pacing = pacing
    }

    private static var now: Double { Date().timeIntervalSince1970 }

    /// Waits until a call of `route` fits, then counts it as in flight.
    func admit(_ route: String, client: SDNextClient) async throws {
        if !resolved { await resolve(client) }
        while let current = budget {
            let delay = current.delay(for: route, now: Self.now)
            if delay <= 0 {
                budget?.start(route)
                return
            }
            try await Task.sleep(for: .seconds(delay + 0.01))
        }
    }

    /// The answer of a call of `route` arrived.
    func completed(_ route: String) {
        budget?.complete(route, now: Self.now)
    }

    private func resolve(_ client: SDNextClient) async {
        let task = lookup ?? Task { [pacing] in try await Self.budget(for: pacing, client: client) }
        lookup = task
        do {
            let found = try await task.value
            if !resolved {
                budget = found
                resolved = true
            }
        } catch {
            lookup = nil
        }
    }

    private static func budget(for pacing: RequestPacing, client: SDNextClient) async throws -> RequestBudget? {
        switch pacing {
        case .disabled:
            return nil
        case .perMinute(let limit):
            return limit > 0 ? RequestBudget(limit: limit) : nil
        case .automatic:
            let flavor = try await client.detectFlavor()
            let answer = try await client.sendUnpaced(.GET, "/sdapi/v1/options", timeout: client.configuration.requestTimeout)
            let options = try SDNextClient.decodeJSON(try SDNextClient.checkStatus(answer))
            guard let limit = options["server_rate_limit"]?.intValue ?? flavor.defaultRateLimit, limit > 0 else { return nil }
            var budget = RequestBudget(limit: limit)
            for route in ["/sdapi/v1/version", "/sdapi/v1/options"] {
                budget.start(route)
                budget.complete(route, now: now)
            }
            return budget
        }
    }
}
