import Foundation
import Hummingbird

/// HTTP Basic auth on SD.Next's API routes, with FastAPI's `HTTPBasic` messages: a missing or
/// non-Basic header is "Not authenticated", wrong credentials "Unauthorized"; both 401 with
/// `WWW-Authenticate: Basic` in SD.Next's error body. The flavor words the wrong-credentials detail and
/// decides which paths are protected.
struct BasicAuthMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let credentials: EmulatorCredentials
    let flavor: Flavor

    private static let challenge: HTTPFields = [.wwwAuthenticate: "Basic"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard flavor.requiresAuth(path: request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw APIError.httpException(.unauthorized, detail: "Not authenticated", headers: Self.challenge)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic" else {
            throw APIError.httpException(.unauthorized, detail: "Not authenticated", headers: Self.challenge)
        }
        guard let data = Data(base64Encoded: String(parts[1])), let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":")
        else {
            throw APIError.httpException(.unauthorized, detail: "Invalid authentication credentials", headers: Self.challenge)
        }
        let username = decoded[..<colon], password = decoded[decoded.index(after: colon)...]
        guard username == credentials.username, password == credentials.password else {
            throw APIError.httpException(.unauthorized, detail: flavor.wrongCredentialsDetail, headers: Self.challenge)
        }
        return try await next(request, context)
    }
}
