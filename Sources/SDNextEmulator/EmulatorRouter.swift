import Hummingbird

/// Assembles the emulator's router: global middleware (timing, faults, rate limit, error
/// rendering), the SD.Next routes behind optional Basic auth, and the fault control route.
struct EmulatorRouter {
    typealias Context = EmulatorRequestContext

    let configuration: EmulatorConfiguration
    let state: EmulatorState
    let queue: GenerationQueue
    let runner: GenerationRunner
    let controls: EmulatorControls
    let exitSignal: ExitSignal

    /// Every path the emulator serves, so a wrong method answers 405 rather than 404.
    static let knownPaths: Set<String> = Set([
        "/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/control", "/sdapi/v1/progress", "/sdapi/v1/status",
        "/sdapi/v1/interrupt", "/sdapi/v1/skip", "/sdapi/v1/history", "/sdapi/v1/options", "/sdapi/v1/sd-models",
        "/sdapi/v1/samplers", "/sdapi/v1/memory", "/sdapi/v1/version", "/sdapi/v1/checkpoint", "/internal/progress",
        "/internal/pending-tasks", "/sdapi/v1/options-info", "/emulator/faults",
    ]).union(ListingRoutes.paths).union(ModelRoutes.paths).union(ImageInfoRoutes.paths).union(LogRoutes.paths)

    func build() -> Router<Context> {
        let router = Router(context: Context.self)
        // Outermost, as SD.Next's 429 replaces the whole response (X-Process-Time included).
        router.add(middleware: RateLimitMiddleware(limiter: RateLimiterStore(period: configuration.rateLimitPeriod), state: state, controls: controls))
        router.add(middleware: ProcessTimeMiddleware())
        router.add(middleware: FaultMiddleware(controls: controls, exitSignal: exitSignal))
        router.add(middleware: ErrorRenderingMiddleware(knownPaths: Self.knownPaths, flavor: configuration.flavor))
        FaultRoutes(controls: controls).register(on: router)
        let api = router.group()
        if let credentials = configuration.credentials {
            api.add(middleware: BasicAuthMiddleware(credentials: credentials, flavor: configuration.flavor))
        }
        GenerationRoutes(state: state, queue: queue, runner: runner, controls: controls).register(on: api)
        ProgressRoutes(state: state, controls: controls).register(on: api)
        ServerInfoRoutes(state: state, queue: queue, runner: runner).register(on: api)
        ListingRoutes(state: state, port: configuration.port, hasAuth: configuration.credentials != nil).register(on: api)
        ModelRoutes(state: state, queue: queue, runner: runner).register(on: api)
        ImageInfoRoutes(state: state, queue: queue, runner: runner).register(on: api)
        LogRoutes(log: ServerLog()).register(on: api)
        return router
    }
}
