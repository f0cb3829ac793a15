import EaselGateway
import Hummingbird

/// Easel's cross-origin answers for its own API and test client, kept off the SD.Next gateway's paths: SD.Next
/// enables no CORS, and a reflected origin there would let any web page queue jobs and read a caller's answers.
struct CORSOutsideGateway<Context: RequestContext>: RouterMiddleware {
    let cors: CORSMiddleware<Context>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if SDNextGatewayPaths.contains(request.uri.path) { return try await next(request, context) }
        return try await cors.handle(request, context: context, next: next)
    }
}
