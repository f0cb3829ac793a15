/// The JSON type a request field accepts, with pydantic's lax coercions.
enum FieldType: Sendable {
    case string
    /// `list[str]`: each item must be a string.
    case stringList
    case int
    /// pydantic's `int | str` (smart mode): a string stays a string, anything an `int` accepts becomes one.
    case intOrString
    case float
    case bool
    case list
    case dict
    case any
}

/// One request field with its SD.Next default. `nullable` is false where the model's annotation has no
/// `Optional`: pydantic validates an explicit `null` there and refuses it, though an absent key takes the default.
struct FieldSpec: Sendable {
    let name: String
    let type: FieldType
    let defaultValue: JSONValue
    let nullable: Bool

    init(_ name: String, _ type: FieldType, _ defaultValue: JSONValue, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.nullable = nullable
    }

    /// The supplied value as the model stores it, or the 422 entry that rejects it.
    func coerce(_ value: JSONValue) -> Result<JSONValue, ValidationIssue> {
        if value.isNull && nullable { return .success(.null) }
        return type.coerce(value, field: name)
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
    /// Coerces `value` as pydantic v2 does in lax mode, or describes why it cannot (`null` included: the caller
    /// lets it through for Optional fields).
    func coerce(_ value: JSONValue, field: String) -> Result<JSONValue, ValidationIssue> {
        func issue(_ type: String, _ msg: String, at index: Int? = nil) -> Result<JSONValue, ValidationIssue> {
            var loc: [JSONValue] = ["body", .string(field)]
            var input = value
            if let index {
                loc.append(.int(index))
                input = value.arrayValue?[index] ?? value
            }
            return .failure(ValidationIssue(type: type, loc: loc, msg: msg, input: input))
        }
        switch self {
        case .any:
            return .success(value)
        case .string:
            return value.stringValue != nil ? .success(value) : issue("string_type", "Input should be a valid string")
        case .stringList:
            guard let items = value.arrayValue else { return issue("list_type", "Input should be a valid list") }
            if let bad = items.firstIndex(where: { $0.stringValue == nil }) {
                return issue("string_type", "Input should be a valid string", at: bad)
            }
            return .success(value)
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
