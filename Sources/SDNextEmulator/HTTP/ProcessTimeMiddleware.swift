import HTTPTypes
import Hummingbird

/// Adds `X-Process-Time: <seconds>` (rounded to 4 places, as SD.Next's `api_preprocess` does) to
/// every response.
struct ProcessTimeMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    static let headerName = HTTPField.Name("X-Process-Time")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        response.headers[Self.headerName] = JSONWriter.pythonFloat((seconds * 10_000).rounded() / 10_000)
        return response
    }
}
