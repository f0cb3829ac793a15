import DynamicJSON
import Foundation
import Hummingbird
import Logging
import NIOCore
import SDNextModels

/// The paths the gateway owns. Easel's permissive CORS stays off them: SD.Next enables no CORS by default, so a web
/// page of another origin must not be able to read the gateway's answers or have its preflights approved.
public enum SDNextGatewayPaths {
    static let prefixes = ["/sdapi/", "/internal/"]

    /// Whether `path` is answered by the gateway.
    public static func contains(_ path: String) -> Bool { prefixes.contains { path.hasPrefix($0) } }
}

/// What FastAPI does before and after SD.Next's handlers, for every gateway route: a body it would not parse as JSON
/// is refused with FastAPI's 422 (so a cross-site form or `text/plain` post queues nothing and changes no option),
/// and an error thrown below that is not already in SD.Next's shape is rendered in one (413 for a body over
/// `maxBodyBytes`, another framework error as an HTTPException, anything else as SD.Next's 500), so no answer
/// leaves the gateway in Easel's own error shape.
struct SDNextRequestMiddleware<Context: RequestContext>: RouterMiddleware {
    /// How a route's body parameter is declared in SD.Next, which decides pydantic's message for a body that is not
    /// an object.
    enum BodyParameter {
        /// A pydantic model (`req: models.StableDiffusionTxt2ImgProcessingAPI`).
        case model
        /// `req: dict[str, Any]` (`POST options`).
        case dictionary
    }

    /// The gateway routes that read a JSON body, by path (the others take none, as in SD.Next, where FastAPI then
    /// ignores the content type).
    static var bodyRoutes: [String: BodyParameter] {
        [
            "/sdapi/v1/txt2img": .model, "/sdapi/v1/img2img": .model, "/sdapi/v1/control": .model,
            "/sdapi/v1/png-info": .model, "/internal/progress": .model, "/sdapi/v1/options": .dictionary,
        ]
    }

    let maxBodyBytes: Int
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if let refusal = try await Self.unparsedBody(request, upTo: maxBodyBytes) { throw refusal }
            return try await next(request, context)
        } catch let error as GatewayError {
            throw error
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.tooLarge(maxBodyBytes)
        } catch is NIOTooManyBytesError {
            // `request.body.collect(upTo:)` (NIO's) throws this where `request.collectBody(upTo:)` throws the 413.
            throw Self.tooLarge(maxBodyBytes)
        } catch let error as HTTPError {
            throw GatewayError.httpException(error.status, detail: error.body ?? error.status.reasonPhrase)
        } catch let error as CancellationError {
            throw error
        } catch {
            // SD.Next writes `str(e)` here; Easel's internals (store, socket) stay in its log.
            logger.error("SD.Next gateway request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw GatewayError.runtime("Internal Server Error")
        }
    }

    /// SD.Next's 413 for a body over the server's limit (`--max-request-mib`).
    static func tooLarge(_ limit: Int) -> GatewayError {
        .httpException(.contentTooLarge, detail: "Request body is larger than \(limit) bytes")
    }

    /// FastAPI's 422 for a body it does not parse: a route with a body parameter, asked with a content type that is
    /// not `application/json` or `application/*+json`. FastAPI then validates the raw body as a string (or, when it
    /// is empty, as missing).
    static func unparsedBody(_ request: Request, upTo limit: Int) async throws -> GatewayError? {
        guard request.method == .post || request.method == .put,
              let parameter = bodyRoutes[request.uri.path],
              let contentType = request.headers[.contentType], !isJSON(contentType)
        else { return nil }
        let body = try await request.body.collect(upTo: limit)
        guard body.readableBytes > 0 else {
            return .validation([FieldIssue(type: "missing", loc: [.string("body")], msg: "Field required", input: .null)])
        }
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        let issue = switch parameter {
        case .model:
            FieldIssue(
                type: "model_attributes_type", loc: [.string("body")],
                msg: "Input should be a valid dictionary or object to extract fields from", input: .string(text))
        case .dictionary:
            FieldIssue(type: "dict_type", loc: [.string("body")], msg: "Input should be a valid dictionary", input: .string(text))
        }
        return .validation([issue])
    }

    /// FastAPI's test (Python's `email.message` reading of the header): main type `application`, subtype `json`
    /// or ending in `+json`, parameters and case aside.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let parts = mediaType.trimmingCharacters(in: .whitespaces).lowercased().split(separator: "/", maxSplits: 1)
        guard parts.count == 2, parts[0] == "application" else { return false }
        return parts[1] == "json" || parts[1].hasSuffix("+json")
    }
}
