import DynamicJSON
import Foundation
import Hummingbird
import SDNextModels

/// An error answered in one of SD.Next's shapes, so an SD.Next client reads Easel's refusals as it reads SD.Next's.
/// Easel's own failures add `error_code` (a stable `JobFailure` code) and, for a job, `job_id`.
struct GatewayError: HTTPResponseError {
    let status: HTTPResponse.Status
    let body: JSONValue

    /// SD.Next's handler for an HTTPException: `{"error","code","detail","body","errors"}`.
    static func httpException(
        _ status: HTTPResponse.Status, detail: String, errorCode: String? = nil, jobID: String? = nil
    ) -> GatewayError {
        handled("HTTPException", status, detail: detail, errors: "\(status.code): \(detail)", errorCode: errorCode, jobID: jobID)
    }

    /// SD.Next's handler for an exception inside processing: `detail` empty, the message in `errors`.
    static func runtime(_ message: String, errorCode: String? = nil, jobID: String? = nil) -> GatewayError {
        handled("RuntimeError", .internalServerError, detail: "", errors: message, errorCode: errorCode, jobID: jobID)
    }

    /// FastAPI's request validation error: 422 `{"detail":[{type, loc, msg, input, ctx?}]}`.
    static func validation(_ issues: [FieldIssue]) -> GatewayError {
        GatewayError(status: .unprocessableContent, body: .object(["detail": .array(issues.map(\.json))]))
    }

    /// img2img without `init_images`: SD.Next answers 400 with this one key.
    static let initImageMissing = GatewayError(status: .badRequest, body: .object(["error": .string("Init image is none")]))

    private static func handled(
        _ error: String, _ status: HTTPResponse.Status, detail: String, errors: String, errorCode: String?, jobID: String?
    ) -> GatewayError {
        var body: [String: JSONValue] = [
            "error": .string(error), "code": .number(Double(status.code)), "detail": .string(detail), "body": .string(""),
            "errors": .string(errors),
        ]
        if let errorCode { body["error_code"] = .string(errorCode) }
        if let jobID { body["job_id"] = .string(jobID) }
        return GatewayError(status: status, body: .object(body))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        SDNextJSON(body, status: status).response
    }
}

extension FieldIssue {
    /// The entry as FastAPI writes it.
    var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type), "loc": .array(loc), "msg": .string(msg), "input": input]
        if let ctx { object["ctx"] = .object(ctx) }
        return .object(object)
    }
}

/// A JSON answer written as FastAPI writes it: compact UTF-8, slashes unescaped.
struct SDNextJSON: ResponseGenerator {
    let value: JSONValue
    let status: HTTPResponse.Status
    var headers: HTTPFields = [:]

    init(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.value = value
        self.status = status
        self.headers = headers
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    var response: Response {
        let data = (try? Self.encoder.encode(value)) ?? Data("null".utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.contentLength] = "\(data.count)"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response }
}

extension Response {
    /// SD.Next's 204 for interrupt, skip, refresh and the other routes that answer nothing.
    static var noContent: Response { Response(status: .noContent) }
}
