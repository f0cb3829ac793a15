/// The JSON type a request field accepts, with pydantic's lax coercions.
enum FieldType: Sendable {
    case string
    /// A prompt: a string or a list of strings.
    case prompt
    case int
    /// pydantic's `int | str` (smart mode): a string stays a string, anything an `int` accepts becomes one.
    case intOrString
    case float
    case bool
    case list
    case dict
    case any
}

/// One request field with its SD.Next default.
struct FieldSpec: Sendable {
    let name: String
    let type: FieldType
    let defaultValue: JSONValue

    init(_ name: String, _ type: FieldType, _ defaultValue: JSONValue) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }
}

/// One entry of FastAPI's 422 `detail` list.
struct ValidationIssue: Error, Sendable, Equatable {
    let type: String
    let loc: [JSONValue]
    let msg: String
    let input: JSONValue
    var ctx: JSONObject? = nil

    var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "loc": .array(loc), "msg": .string(msg), "input": input]
        if let ctx { object["ctx"] = .object(ctx) }
        return .object(object)
    }
}

extension FieldType {
    /// Coerces `value` as pydantic v2 does in lax mode, or describes why it cannot.
    /// `null` always passes: every SD.Next request field is Optional.
    func coerce(_ value: JSONValue, field: String) -> Result<JSONValue, ValidationIssue> {
        if value.isNull { return .success(.null) }
        func issue(_ type: String, _ msg: String) -> Result<JSONValue, ValidationIssue> {
            .failure(ValidationIssue(type: type, loc: ["body", .string(field)], msg: msg, input: value))
        }
        switch self {
        case .any:
            return .success(value)
        case .string:
            return value.stringValue != nil ? .success(value) : issue("string_type", "Input should be a valid string")
        case .prompt:
            if value.stringValue != nil { return .success(value) }
            if let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) { return .success(value) }
            return issue("string_type", "Input should be a valid string")
        case .list:
            return value.arrayValue != nil ? .success(value) : issue("list_type", "Input should be a valid list")
        case .dict:
            return value.objectValue != nil ? .success(value) : issue("dict_type", "Input should be a valid dictionary")
        case .int:
            switch value {
            case .int: return .success(value)
            case .bool(let flag): return .success(.int(flag ? 1 : 0))
            case .double(let number):
                guard number.rounded() == number, abs(number) < 9e18 else {
                    return issue("int_from_float", "Input should be a valid integer, got a number with a fractional part")
                }
                return .success(.int(Int(number)))
            case .string(let text):
                if let number = Int(text.trimmingSpaces) { return .success(.int(number)) }
                return issue("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
            default: return issue("int_type", "Input should be a valid integer")
            }
        case .intOrString:
            if value.stringValue != nil { return .success(value) }
            return FieldType.int.coerce(value, field: field)
        case .float:
            switch value {
            case .int(let number): return .success(.double(Double(number)))
            case .double: return .success(value)
            case .bool(let flag): return .success(.double(flag ? 1 : 0))
            case .string(let text):
                if let number = Double(text.trimmingSpaces) { return .success(.double(number)) }
                return issue("float_parsing", "Input should be a valid number, unable to parse string as a number")
            default: return issue("float_type", "Input should be a valid number")
            }
        case .bool:
            switch value {
            case .bool: return .success(value)
            case .int(let number) where number == 0 || number == 1: return .success(.bool(number == 1))
            case .double(let number) where number == 0 || number == 1: return .success(.bool(number == 1))
            case .string(let text):
                switch text.lowercased() {
                case "0", "off", "f", "false", "n", "no": return .success(.bool(false))
                case "1", "on", "t", "true", "y", "yes": return .success(.bool(true))
                default: return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
                }
            case .int, .double: return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
            default: return issue("bool_type", "Input should be a valid boolean")
            }
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
