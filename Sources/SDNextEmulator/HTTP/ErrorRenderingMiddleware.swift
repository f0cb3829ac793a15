import Hummingbird

/// Turns whatever a route throws into the response SD.Next would send: `APIError` as built,
/// the router's not-found into Starlette's 404 (or 405 when only the method is wrong), and any
/// other error into SD.Next's 500 `RuntimeError` body.
struct ErrorRenderingMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    /// Every routed path, to tell a wrong method (405) from an unknown path (404).
    let knownPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError where error.status == .notFound {
            return (knownPaths.contains(request.uri.path) ? APIError.methodNotAllowed : APIError.notFound).response
        } catch let error as HTTPError {
            return APIError.httpException(error.status, detail: error.body ?? error.status.reasonPhrase).response
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return APIError.runtime(String(describing: error)).response
        }
    }
}
