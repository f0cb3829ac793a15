import Hummingbird

/// An error response in one of the shapes SD.Next's FastAPI stack produces (reference §1.7).
///
/// Handlers throw it; `ErrorRenderingMiddleware` turns it into the response, so every shape is
/// defined in one place.
struct APIError: Error {
    var status: HTTPResponse.Status
    var body: JSONValue
    var headers: HTTPFields = [:]

    /// SD.Next's own handler: `{"error","code","detail","body","errors"}`; for an HTTPException,
    /// `errors` is `"<code>: <detail>"`.
    static func httpException(_ status: HTTPResponse.Status, detail: String, headers: HTTPFields = [:]) -> APIError {
        APIError(
            status: status,
            body: .object([
                "error": "HTTPException", "code": .int(status.code), "detail": .string(detail), "body": "",
                "errors": .string("\(status.code): \(detail)"),
            ]),
            headers: headers)
    }

    /// An unhandled exception in processing: `detail` is empty and `errors` carries the message,
    /// exactly as `handle_exception` builds it for a plain `RuntimeError`.
    static func runtime(_ message: String) -> APIError {
        APIError(
            status: .internalServerError,
            body: .object([
                "error": "RuntimeError", "code": 500, "detail": "", "body": "", "errors": .string(message),
            ]))
    }

    /// FastAPI's request validation error: 422 `{"detail":[...]}`.
    static func validation(_ issues: [ValidationIssue]) -> APIError {
        APIError(status: .unprocessableContent, body: .object(["detail": .array(issues.map(\.json))]))
    }

    /// A body that is not JSON: FastAPI reports `json_invalid` with the decoder's position.
    static func invalidJSON(_ error: JSONSyntaxError) -> APIError {
        validation([
            ValidationIssue(
                type: "json_invalid", loc: ["body", .int(error.position)], msg: "JSON decode error",
                input: .object([:]), ctx: ["error": .string(error.message)])
        ])
    }

    /// A required body that is absent.
    static let missingBody = validation([
        ValidationIssue(type: "missing", loc: ["body"], msg: "Field required", input: .null)
    ])

    /// Starlette's default for unknown routes.
    static let notFound = APIError(status: .notFound, body: .object(["detail": "Not Found"]))

    /// Starlette's default for a known path with the wrong method.
    static let methodNotAllowed = APIError(status: .methodNotAllowed, body: .object(["detail": "Method Not Allowed"]))

    /// Sampler validation (§6.4), checked before the queue lock.
    static let samplerNotFound = httpException(.notFound, detail: "Sampler not found")

    /// An `alwayson_scripts` key that names no always-on script (§1.4), raised under the lock.
    static func alwaysOnScriptNotFound(_ title: String) -> APIError {
        httpException(.unprocessableContent, detail: "Always on script not found: \(title)")
    }

    /// img2img without `init_images`: only the `error` key, status 400.
    static let initImageMissing = APIError(status: .badRequest, body: .object(["error": "Init image is none"]))

    /// A request image that is not decodable base64 image data.
    static let invalidImage = httpException(.internalServerError, detail: "Invalid encoded image")

    var response: Response { Response.json(body, status: status, headers: headers) }
}

extension Response {
    /// A JSON response written the FastAPI way (compact, UTF-8).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let bytes = JSONWriter.bytes(value)
        fields[.contentLength] = String(bytes.count)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
