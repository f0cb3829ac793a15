import Crypto
import EaselCore
import Foundation
import EaselWebhooks
import HTTPTypes
import Hummingbird

/// A generation request as the origin's API took it: parameters in the JSON body (with Easel's `kind`), delivery
/// options in the query (`backend`, `mode`, `save_images`, `return_format`), plus Easel's `priority`. Every problem
/// becomes a 422 that names its field (nested fields by path: `control.0.strength`); a body over
/// `ParameterLimits.maxRequestBytes` is a 413.
struct SubmitRequest {
    var parameters: GenerationParameters
    /// The checkpoint the job asks for (`model`: title, name or hash), resolved against the pool by the controller.
    var model: String?
    var returnFormat: ReturnFormat
    var priority: Int
    /// The `Idempotency-Key` header and a digest of the request it came with.
    var idempotency: IdempotencyKey?
    /// Where the job's webhook events go (`callback_url` in the body): an http or https URL.
    var callbackURL: String?
    /// The run time an attempt may take on its backend (`timeout_seconds` in the body), at most `maxTimeoutSeconds`.
    var timeoutSeconds: Double?

    static let priorities = -100...100
    /// A day: longer than any generation, short enough to catch a typo's extra zeros.
    static let maxTimeoutSeconds = 86_400.0

    static func parse(
        _ request: inout Request, defaultReturnFormat: ReturnFormat, maxBodySize: Int
    ) async throws -> SubmitRequest {
        let query = request.uri.queryParameters
        var problems: [ParameterError] = []
        if let backend = query["backend"].map(String.init), backend != "sdnext" {
            problems.append(ParameterError(field: "backend", message: "unknown backend \"\(backend)\"; Easel serves \"sdnext\""))
        }
        if let mode = query["mode"].map(String.init), !["immediate", "deferred"].contains(mode) {
            problems.append(ParameterError(field: "mode", message: "must be \"immediate\" or \"deferred\""))
        }
        if let save = query["save_images"].map(String.init), Bool(save.lowercased()) == nil {
            problems.append(ParameterError(field: "save_images", message: "must be true or false"))
        }
        var returnFormat = defaultReturnFormat
        if let format = query["return_format"].map(String.init) {
            if let parsed = ReturnFormat(rawValue: format) {
                returnFormat = parsed
            } else {
                problems.append(ParameterError(field: "return_format", message: "must be one of url, base64, file_path"))
            }
        }
        var priority = 0
        if let text = query["priority"].map(String.init) {
            if let value = Int(text), priorities.contains(value) {
                priority = value
            } else {
                problems.append(ParameterError(
                    field: "priority", message: "must be an integer between \(priorities.lowerBound) and \(priorities.upperBound)"))
            }
        }
        guard problems.isEmpty else { throw APIError.invalid(problems, location: "query") }
        let key = try idempotencyKey(request)
        let bytes = try await collect(&request, maxBodySize: maxBodySize)
        let body = try decodeBody(bytes)
        return SubmitRequest(
            parameters: body.parameters, model: body.model, returnFormat: returnFormat, priority: priority,
            idempotency: key.map { IdempotencyKey(key: $0, requestDigest: digest(of: bytes, query: request.uri.query)) },
            callbackURL: body.callbackURL, timeoutSeconds: body.timeoutSeconds)
    }

    /// The `Idempotency-Key` header: 1 to 255 printable ASCII characters, or a 422 naming it.
    private static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...IdempotencyKey.maxLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw APIError.invalid(
                [ParameterError(field: "Idempotency-Key", message: "must be 1 to \(IdempotencyKey.maxLength) printable ASCII characters")],
                location: "header")
        }
        return key
    }

    /// SHA-256 over the query and the body as sent: a repeat must be the same request, byte for byte.
    private static func digest(of body: ByteBuffer, query: String?) -> String {
        var hash = SHA256()
        hash.update(data: Data((query ?? "").utf8))
        hash.update(data: Data([0]))
        hash.update(data: Data(buffer: body))
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The body read once: the generation parameters and Easel's `model`, `callback_url` and `timeout_seconds` beside
    /// them (the last is Easel's alone: it is not sent to SD.Next).
    struct Body: Decodable {
        var parameters: GenerationParameters
        var model: String?
        var callbackURL: String?
        var timeoutSeconds: Double?

        private enum Key: String, CodingKey {
            case model
            case callbackURL = "callback_url"
            case timeoutSeconds = "timeout_seconds"
        }

        init(from decoder: any Decoder) throws {
            parameters = try GenerationParameters(from: decoder)
            let container = try decoder.container(keyedBy: Key.self)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            callbackURL = try container.decodeIfPresent(String.self, forKey: .callbackURL)
            timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
            parameters.request.further[Key.timeoutSeconds.rawValue] = nil
        }
    }

    private static func collect(_ request: inout Request, maxBodySize: Int) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: maxBodySize)
        } catch {
            throw APIError(.contentTooLarge, "Request body is larger than \(maxBodySize) bytes")
        }
    }

    private static func decodeBody(_ body: ByteBuffer) throws -> Body {
        do {
            return try parseBody(Data(buffer: body))
        } catch let problem as ParameterError {
            throw APIError.invalid([problem])
        }
    }

    /// Reads a submit body, or throws the `ParameterError` naming its first problem (under `prefix`, as
    /// `jobs.3.steps`): shared by the REST routes, batches and the socket's requests.
    static func parseBody(_ data: Data, prefix: String = "") throws -> Body {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            let found = problem(in: error)
            throw prefix.isEmpty ? found : ParameterError(field: found.field == "body" ? prefix : "\(prefix).\(found.field)", message: found.message)
        }
        if let url = body.callbackURL, !WebhookConfiguration.isValidTarget(url) {
            throw ParameterError(field: prefix.isEmpty ? "callback_url" : "\(prefix).callback_url", message: "must be an http or https URL")
        }
        if let seconds = body.timeoutSeconds, !(seconds > 0 && seconds <= maxTimeoutSeconds) {
            throw ParameterError(
                field: prefix.isEmpty ? "timeout_seconds" : "\(prefix).timeout_seconds",
                message: "must be a number of seconds above 0 and at most \(Int(maxTimeoutSeconds))")
        }
        return body
    }

    private static func problem(in error: DecodingError) -> ParameterError {
        switch error {
        case .keyNotFound(let key, let context):
            return ParameterError(field: (context.codingPath + [key]).map(name).joined(separator: "."), message: "is required")
        case .typeMismatch(let type, let context):
            return ParameterError(field: field(context), message: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return ParameterError(field: field(context), message: "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? ParameterError(field: "body", message: "must be a JSON object of generation parameters")
                : ParameterError(field: field(context), message: "is not valid: \(context.debugDescription)")
        @unknown default:
            return ParameterError(field: "body", message: "is not valid")
        }
    }

    private static func field(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "body" : context.codingPath.map(name).joined(separator: ".")
    }

    private static func name(_ key: any CodingKey) -> String {
        key.intValue.map(String.init) ?? key.stringValue
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "a JSON object"
        }
    }
}
