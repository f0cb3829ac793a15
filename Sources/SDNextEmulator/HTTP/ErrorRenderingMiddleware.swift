import Hummingbird

/// Turns whatever a route throws into the response SD.Next would send: `APIError` as built,
/// the router's not-found into Starlette's 404 (or 405 when only the method is wrong), and any
/// other error into SD.Next's 500 `RuntimeError` body, each in the flavor's body shape. Routes the flavor
/// lacks answer 404 before their handler runs.
struct ErrorRenderingMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    /// Every routed path, to tell a wrong method (405) from an unknown path (404).
    let knownPaths: Set<String>
    let flavor: Flavor

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            if flavor.absentPaths.contains(request.uri.path) { throw APIError.notFound }
            return try await next(request, context)
        } catch let error as APIError {
            return rendered(error)
        } catch let error as HTTPError where error.status == .notFound {
            let known = knownPaths.contains(request.uri.path) && !flavor.absentPaths.contains(request.uri.path)
            return rendered(known ? APIError.methodNotAllowed : APIError.notFound)
        } catch let error as HTTPError {
            return rendered(APIError.httpException(error.status, detail: error.body ?? error.status.reasonPhrase))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return rendered(APIError.runtime(String(describing: error)))
        }
    }

    private func rendered(_ error: APIError) -> Response {
        Response.json(flavor.errorBody(error.body), status: error.status, headers: error.headers)
    }
}
