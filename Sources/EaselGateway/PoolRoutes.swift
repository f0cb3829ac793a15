import DynamicJSON
import Foundation
import Hummingbird
import SDNext

extension SDNextGateway {
    /// The routes a pool answers as a whole: SD.Next's listings (the union over the backends), `png-info`,
    /// `version`/`platform`/`memory`, the refresh routes, and SD.Next's routes that mean nothing for a pool (501).
    func addPoolRoutes(to api: RouterGroup<Context>) {
        for listing in PoolListing.all {
            api.get(RouterPath(listing.path)) { request, _ in
                SDNextJSON(try await listings.answer(listing, to: listing.target(path: request.uri.path, query: request.uri.query)))
            }
        }
        api.get("extra-network-details") { request, _ in
            SDNextJSON(try await listings.extraNetworkDetails(path: request.uri.path, query: request.uri.query))
        }
        // SD.Next logs a browser session here and answers `{}`; there is no SD.Next session behind the pool.
        api.get("start") { _, _ in SDNextJSON(.object([:])) }

        let identity = PoolIdentity(fanOut: listings.fanOut, cache: listings.cache)
        api.get("version") { _, _ in SDNextJSON(try await identity.version()) }
        api.get("platform") { _, _ in SDNextJSON(try await identity.platform()) }
        api.get("memory") { _, _ in SDNextJSON(try await identity.memory()) }

        api.post("png-info") { request, _ in
            // Over the limit, collect throws, and SDNextRequestMiddleware answers SD.Next's 413.
            let body = try await request.body.collect(upTo: service.limits.maxRequestBytes)
            return SDNextJSON(try await relay.pngInfo(path: request.target, body: body))
        }
        // Each backend rescans its files; the inventories the caller's model and dispatch are checked against are read again.
        for path in ["refresh-checkpoints", "refresh-vae", "refresh-unets"] {
            api.post(RouterPath(path)) { request, _ -> Response in
                _ = try await relay.refresh(request.target)
                return .noContent
            }
        }
        // SD.Next answers this one with what its rescan returned (null), not a 204.
        api.post("refresh-loras") { request, _ in SDNextJSON(try await relay.refresh(request.target)) }

        PoolRefusals.add(to: api)
        SDNextRoutes.addMethodNotAllowed(to: api)
    }
}

extension Request {
    /// The path and query as the client sent them, to pass on to a backend.
    var target: String { uri.path + (uri.query.map { "?" + $0 } ?? "") }
}
