import EaselCore
import EaselGeneration
import Hummingbird
import Logging

/// SD.Next's HTTP API answered by Easel itself, so a client written for one SD.Next box gets the queue, the pool and
/// the progress socket by changing its URL. A generation is an Easel job like any other (durable, dispatched by its
/// model and LoRAs, on the socket and in the REST views); the call waits for it and answers in SD.Next's shapes.
/// SD.Next's global routes (progress, interrupt, skip, options) become the caller's own: `CallerBook` remembers each
/// caller's jobs and settings. Listings answer for the whole pool.
public struct SDNextGateway<Context: RemoteAddressRequestContext>: Sendable {
    let service: GenerationService
    let backends: [Backend]
    let callers: CallerBook
    let logger: Logger
    /// The pool's listings, asked of every backend and kept a few seconds.
    let listings: PoolListings
    /// The calls passed on to SD.Next as they are.
    let relay: PoolRelay

    public init(service: GenerationService, backends: [Backend], callers: CallerBook, logger: Logger) {
        self.service = service
        self.backends = backends
        self.callers = callers
        self.logger = logger
        let fanOut = PoolFanOut(backends: backends)
        let cache = ListingCache()
        listings = PoolListings(fanOut: fanOut, cache: cache)
        relay = PoolRelay(fanOut: fanOut, cache: cache, service: service, logger: logger)
    }

    /// Mounts `/sdapi/v1/*` and `/internal/*` on `router`.
    public func addRoutes(to router: Router<Context>) {
        let middleware = SDNextRequestMiddleware<Context>(maxBodyBytes: service.limits.maxRequestBytes, logger: logger)
        let api = router.group("/sdapi/v1").add(middleware: middleware)
        addGenerationRoutes(to: api)
        addProgressRoutes(to: api, internalRoutes: router.group("/internal").add(middleware: middleware))
        addOptionsRoutes(to: api)
        addStatusRoutes(to: api)
        addPoolRoutes(to: api)
    }
}
