import Foundation
import Hummingbird

/// Applies the rate limit *after* the handler ran, as SD.Next's `api_preprocess` does: the work is done,
/// then the response is replaced by 429 (a fresh response, so without `X-Process-Time`). The limit is read
/// from option `server_rate_limit` on every request, so `POST /options` changes it at once. Also injects the
/// `rateLimited` fault. Flavors without SD.Next's limiter never limit, whatever the options say.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let limiter: RateLimiterStore
    let state: EmulatorState
    let controls: EmulatorControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        let response = try await next(request, context)
        if path.hasPrefix("/emulator/") { return response }
        let forced = await controls.faults.rateLimited && path.hasPrefix("/sdapi/")
        let limit = state.flavor.hasRateLimiter ? await state.options.rateLimit : 0
        let allowed = await limiter.hit(client: context.clientIP, path: path, limit: limit)
        guard forced || !allowed else { return response }
        let error = APIError.httpException(.tooManyRequests, detail: "\(context.clientIP):\(path): rate limit exceeded")
        return Response.json(state.flavor.errorBody(error.body), status: error.status)
    }
}

/// Shares one `RateLimiter` between concurrent requests; a changed limit starts a fresh limiter with no
/// hits, as SD.Next's `validate_request` replaces its `Limiter` when `server_rate_limit` changes.
actor RateLimiterStore {
    private let period: Double
    private var limiter: RateLimiter

    /// `period`: the limiter's window; SD.Next's is a minute, tests shorten it.
    init(period: Duration = .seconds(60)) {
        self.period = Double(period.components.seconds) + Double(period.components.attoseconds) * 1e-18
        limiter = RateLimiter(limit: 0, period: self.period)
    }

    func hit(client: String, path: String, limit: Int) -> Bool {
        if limiter.limit != limit { limiter = RateLimiter(limit: limit, period: period) }
        return limiter.hit(client: client, path: path, now: Date().timeIntervalSince1970)
    }
}
