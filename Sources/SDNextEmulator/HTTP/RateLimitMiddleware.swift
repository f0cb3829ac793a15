import Foundation
import Hummingbird

/// Applies the rate limit *after* the handler ran, as SD.Next's `api_preprocess` does: the work
/// is done, then the response is replaced by 429. Also injects the `rateLimited` fault.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let limiter: RateLimiterStore
    let controls: EmulatorControls

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        let response = try await next(request, context)
        if path.hasPrefix("/emulator/") { return response }
        let forced = await controls.faults.rateLimited && path.hasPrefix("/sdapi/")
        let allowed = await limiter.hit(client: context.clientIP, path: path)
        guard forced || !allowed else { return response }
        return APIError.httpException(.tooManyRequests, detail: "\(context.clientIP):\(path): rate limit exceeded").response
    }
}

/// Shares one `RateLimiter` between concurrent requests.
actor RateLimiterStore {
    private var limiter: RateLimiter?

    init(limitPerMinute: Int?) {
        limiter = limitPerMinute.map { RateLimiter(limit: $0) }
    }

    func hit(client: String, path: String) -> Bool {
        limiter?.hit(client: client, path: path, now: Date().timeIntervalSince1970) ?? true
    }
}
