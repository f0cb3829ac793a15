import DynamicJSON
import Hummingbird

/// The pool's answers to SD.Next's listing routes: asked of every backend at once, combined, kept a few seconds.
struct PoolListings: Sendable {
    let fanOut: PoolFanOut
    let cache: ListingCache

    /// `listing`'s answer to `target` (`PoolListing.target`: the path and the query parameters the route takes).
    func answer(_ listing: PoolListing, to target: String) async throws -> JSONValue {
        try await answer(to: target, combine: listing.combine)
    }

    private func answer(to target: String, combine: @escaping @Sendable ([JSONValue]) -> JSONValue) async throws -> JSONValue {
        try await cache.value(for: target) { [fanOut] in
            combine(try await fanOut.answers(target) { try await $0.client.getJSON(target) })
        }
    }

    /// `extra-network-details`: SD.Next pages its matches (`offset`, `limit` 50), so each backend is asked for all
    /// of them and the union is paged here. Paging values that are not integers go to a backend as they came, for
    /// SD.Next's own 422.
    func extraNetworkDetails(path: String, query: String?) async throws -> JSONValue {
        let items = (query ?? "").split(separator: "&").map(String.init)
        func value(_ name: String) -> String? {
            items.last { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let target = path + (query.map { "?" + $0 } ?? "")
        guard let offset = value("offset").map({ Int($0) }) ?? 0, let limit = value("limit").map({ Int($0) }) ?? 50 else {
            return try await answer(.firstFound(path), to: target)
        }
        let filters = items.filter { !$0.hasPrefix("offset=") && !$0.hasPrefix("limit=") }
        let everything = path + "?" + (filters + ["offset=0", "limit=\(Int32.max)"]).joined(separator: "&")
        let matched = try await answer(to: everything) { .array(Self.detailItems($0)) }
        return Self.page(matched.arrayValue ?? [], offset: offset, limit: limit)
    }

    /// The backends' matches, each network once (by page type and name), in pool order.
    static func detailItems(_ answers: [JSONValue]) -> [JSONValue] {
        JSONUnion(identity: ["type", "name"]).merge(answers.map { $0["items"] ?? .array([]) }).arrayValue ?? []
    }

    /// SD.Next's page of `matched`: `items[offset:offset + limit]` with the total.
    static func page(_ matched: [JSONValue], offset: Int, limit: Int) -> JSONValue {
        .object([
            "items": .array(Array(matched.dropFirst(max(offset, 0)).prefix(max(limit, 0)))),
            "total": .number(Double(matched.count)), "offset": .number(Double(offset)), "limit": .number(Double(limit)),
        ])
    }
}
