import DynamicJSON
import EaselCore
import Foundation
import Hummingbird
import SDNext

/// An error that renders itself as the origin's JSON error bodies, so handlers simply throw.
/// `{"type":"about:blank","title":<message>,"status":<code>}` for ordinary errors; for 422s FastAPI's
/// `{"detail":[{"type","loc","msg"}]}` plus `title`, `status` and `field`, so the response names the field.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: JSONValue

    init(_ status: HTTPResponse.Status, _ title: String) {
        self.status = status
        self.body = .object([
            "type": .string("about:blank"), "title": .string(title), "status": .number(Double(status.code)),
        ])
    }

    /// 422 for request fields that failed validation; `location` is "body" or "query". A nested field
    /// (`control.0.strength`) is one `loc` item per step, as FastAPI writes it: `["body","control",0,"strength"]`.
    static func invalid(_ problems: [ParameterError], location: String = "body") -> APIError {
        let detail = problems.map { problem in
            JSONValue.object([
                "type": .string("value_error"),
                "loc": .array([.string(location)] + problem.field.split(separator: ".").map { part in
                    Int(part).map { .number(Double($0)) } ?? .string(String(part))
                }),
                "msg": .string(problem.message),
            ])
        }
        let title = problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return APIError(status: .unprocessableContent, body: .object([
            "detail": .array(detail), "title": .string(title), "status": .number(422),
            "field": .string(problems.first?.field ?? ""),
        ]))
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, what) }

    /// 413 for an input image over the limit: the origin's body plus the `field` and the `limit` in bytes.
    static func tooLarge(field: String, limit: Int) -> APIError {
        APIError(status: .contentTooLarge, body: .object([
            "type": .string("about:blank"), "title": .string("\(field): the image is larger than \(limit) bytes"),
            "status": .number(413), "field": .string(field), "limit": .number(Double(limit)),
        ]))
    }

    init(status: HTTPResponse.Status, body: JSONValue) {
        self.status = status
        self.body = body
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse(body, status: status).response
    }
}

/// A JSON response whose keys are sorted, so bodies are stable across runs.
struct JSONResponse: ResponseGenerator {
    let value: JSONValue
    let status: HTTPResponse.Status

    init(_ value: JSONValue, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    var response: Response {
        let data = (try? Self.encoder.encode(value)) ?? Data("null".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

/// Renders errors nobody else rendered: an unknown route gets FastAPI's `{"detail":"Not Found"}`, other
/// framework errors the origin's body, and unexpected errors a 500 that does not leak internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound {
                return JSONResponse(.object(["detail": .string("Not Found")]), status: .notFound).response
            }
            throw APIError(error.status, error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            // APIError, and the SD.Next gateway's errors in SD.Next's shapes.
            throw error
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "Internal Server Error")
        }
    }
}
