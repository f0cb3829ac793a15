import DynamicJSON
import Foundation
import NIOCore
import SDNextModels

/// A generation body read as SD.Next's FastAPI stack reads it, so a client gets SD.Next's 422s for the same bodies:
/// JSON first (`json_invalid`), then an object (`model_attributes_type`), then every field the route's model declares
/// coerced with pydantic's rules (`SDNextField`), all refusals reported together in the model's field order. Keys the
/// model does not declare are dropped, as pydantic ignores them. What passes becomes the job's `GenerationRequest`
/// holding only the fields the client sent, so each backend applies SD.Next's defaults.
enum SDNextBody {
    /// A body read for a route.
    struct Parsed {
        var request: GenerationRequest
        /// The declared fields it sent (coerced), which an answer without SD.Next's own echo echoes.
        var sent: [String: JSONValue]
        /// A1111's `force_task_id`, which SD.Next does not declare: an A1111 client tracks its call by it.
        var taskID: String?
    }

    static func parse(_ kind: GenerationKind, from body: ByteBuffer) throws(GatewayError) -> Parsed {
        let json = try json(body)
        let object = try coercedObject(of: json, fields: fields(of: kind))
        do {
            let data = try JSONEncoder().encode(JSONValue.object(object))
            let decoder = JSONDecoder()
            let request: GenerationRequest = switch kind {
            case .txt2img: .txt2img(try decoder.decode(Txt2ImgRequest.self, from: data))
            case .img2img: .img2img(try decoder.decode(Img2ImgRequest.self, from: data))
            case .control: .control(try decoder.decode(ControlRequest.self, from: data))
            }
            return Parsed(request: request, sent: object, taskID: json["force_task_id"]?.stringValue)
        } catch let error as DecodingError {
            throw .validation([issue(error, in: .object(object))])
        } catch {
            throw .runtime("\(error)")
        }
    }

    static func fields(of kind: GenerationKind) -> [SDNextField] {
        switch kind {
        case .txt2img: SDNextField.txt2img
        case .img2img: SDNextField.img2img
        case .control: SDNextField.controlModel
        }
    }

    static func json(_ body: ByteBuffer) throws(GatewayError) -> JSONValue {
        guard body.readableBytes > 0 else {
            throw .validation([FieldIssue(type: "missing", loc: [.string("body")], msg: "Field required", input: .null)])
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer: body))
        } catch {
            throw .validation([FieldIssue(
                type: "json_invalid", loc: [.string("body"), .number(Double(errorPosition(error) ?? 0))],
                msg: "JSON decode error", input: .object([:]), ctx: ["error": .string("Expecting value")])])
        }
    }

    /// The declared fields the body sent, coerced; every refusal at once.
    static func coercedObject(of body: JSONValue, fields: [SDNextField]) throws(GatewayError) -> [String: JSONValue] {
        guard let sent = body.objectValue else {
            throw .validation([FieldIssue(
                type: "model_attributes_type", loc: [.string("body")],
                msg: "Input should be a valid dictionary or object to extract fields from", input: body)])
        }
        var object: [String: JSONValue] = [:]
        var issues: [FieldIssue] = []
        for field in fields {
            guard let value = sent[field.name] else { continue }
            switch field.coerce(value) {
            case .success(let coerced): object[field.name] = coerced
            case .failure(let refused): issues += refused.all
            }
        }
        guard issues.isEmpty else { throw .validation(issues) }
        return object
    }

    /// The request model as SD.Next echoes it (`parameters`): every declared field, sent (coerced) or defaulted;
    /// img2img's `init_images` and `mask` are null unless `include_init_images` is set, as SD.Next drops them.
    static func echo(of sent: [String: JSONValue], kind: GenerationKind) -> JSONValue {
        var echo: [String: JSONValue] = [:]
        for field in fields(of: kind) { echo[field.name] = sent[field.name] ?? field.defaultValue.json }
        if kind == .img2img, sent["include_init_images"]?.boolValue != true {
            echo["init_images"] = .null
            echo["mask"] = .null
        }
        return .object(echo)
    }

    /// A declared field's value as the model holds it: sent, or its default.
    static func value(_ name: String, sent: [String: JSONValue], kind: GenerationKind) -> JSONValue? {
        sent[name] ?? fields(of: kind).first { $0.name == name }?.defaultValue.json
    }

    /// A value pydantic's table let through but Easel's types refuse (an item of `init_images` that is not text).
    private static func issue(_ error: DecodingError, in body: JSONValue) -> FieldIssue {
        let (path, reason): ([any CodingKey], String) = switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            (context.codingPath + [key], "Field required")
        @unknown default:
            ([], "is not valid")
        }
        let loc = [JSONValue.string("body")] + path.map { key in key.intValue.map { .number(Double($0)) } ?? .string(key.stringValue) }
        let input = path.reduce(body) { value, key in
            key.intValue.flatMap { value.arrayValue?[safe: $0] } ?? value.objectValue?[key.stringValue] ?? value
        }
        return FieldIssue(type: "value_error", loc: loc, msg: "Value error, \(reason)", input: input)
    }

    /// Where Foundation's parser stopped, when its error says.
    private static func errorPosition(_ error: any Error) -> Int? {
        guard case DecodingError.dataCorrupted(let context) = error,
            let underlying = context.underlyingError as NSError?
        else { return nil }
        return underlying.userInfo["NSJSONSerializationErrorIndex"] as? Int
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension SDNextDefault {
    var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .number(Double(number))
        case .float(let number): .number(number)
        case .string(let text): .string(text)
        case .emptyList: .array([])
        case .emptyDict: .object([:])
        }
    }
}
