import Foundation

/// The JSON type a request field accepts, with pydantic's lax coercions.
enum FieldType: Sendable {
    case string
    /// `list[str]`: each item must be a string.
    case stringList
    /// `list[Image.Image]`, which pydantic checks with `isinstance`: any item sent as JSON is refused.
    case imageList
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
    func coerce(_ value: JSONValue) -> Result<JSONValue, ValidationIssues> {
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

/// Every reason pydantic gives for refusing one field: a list reports each bad item, a union each member.
struct ValidationIssues: Error, Sendable, Equatable {
    let all: [ValidationIssue]
}

extension FieldType {
    /// Coerces `value` as pydantic v2 does in lax mode, or describes why it cannot (`null` included: the caller
    /// lets it through for Optional fields). `path` is the issue's `loc` below `body`.
    func coerce(_ value: JSONValue, field: String) -> Result<JSONValue, ValidationIssues> {
        coerce(value, at: ["body", .string(field)])
    }

    private func coerce(_ value: JSONValue, at path: [JSONValue]) -> Result<JSONValue, ValidationIssues> {
        func issue(_ type: String, _ msg: String, ctx: JSONObject? = nil) -> Result<JSONValue, ValidationIssues> {
            .failure(ValidationIssues(all: [ValidationIssue(type: type, loc: path, msg: msg, input: value, ctx: ctx)]))
        }
        switch self {
        case .any:
            return .success(value)
        case .string:
            return value.stringValue != nil ? .success(value) : issue("string_type", "Input should be a valid string")
        case .stringList:
            return FieldType.eachItem(of: value, at: path, as: .string)
        case .imageList:
            guard let items = value.arrayValue else { return issue("list_type", "Input should be a valid list") }
            let refused = items.indices.map { index in
                ValidationIssue(
                    type: "is_instance_of", loc: path + [.int(index)], msg: "Input should be an instance of Image",
                    input: items[index], ctx: ["class": "Image"])
            }
            return refused.isEmpty ? .success(value) : .failure(ValidationIssues(all: refused))
        case .list:
            return value.arrayValue != nil ? .success(value) : issue("list_type", "Input should be a valid list")
        case .dict:
            return value.objectValue != nil ? .success(value) : issue("dict_type", "Input should be a valid dictionary")
        case .int:
            switch value {
            case .int: return .success(value)
            case .bool(let flag): return .success(.int(flag ? 1 : 0))
            case .double(let number):
                guard number.rounded() == number else {
                    return issue("int_from_float", "Input should be a valid integer, got a number with a fractional part")
                }
                guard let whole = Int(exactly: number) else {
                    return issue("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size")
                }
                return .success(.int(whole))
            case .string(let text):
                if let number = Int(text.pythonNumeral.wholeNumeral) { return .success(.int(number)) }
                return issue("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
            default: return issue("int_type", "Input should be a valid integer")
            }
        case .intOrString:
            // Smart-mode union: a string stays a string; otherwise both members' refusals, tagged `int` and `str`.
            if value.stringValue != nil { return .success(value) }
            switch FieldType.int.coerce(value, at: path + ["int"]) {
            case .success(let number): return .success(number)
            case .failure(let refusal):
                let notString = ValidationIssue(
                    type: "string_type", loc: path + ["str"], msg: "Input should be a valid string", input: value)
                return .failure(ValidationIssues(all: refusal.all + [notString]))
            }
        case .float:
            switch value {
            case .int(let number): return .success(.double(Double(number)))
            case .double: return .success(value)
            case .bool(let flag): return .success(.double(flag ? 1 : 0))
            case .string(let text):
                if let number = Double(text.pythonNumeral) { return .success(.double(number)) }
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
            // A whole number that is neither 0 nor 1 cannot be interpreted; any other number is not a boolean at all.
            case .int: return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
            case .double(let number) where Int(exactly: number) != nil:
                return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
            default: return issue("bool_type", "Input should be a valid boolean")
            }
        }
    }

    /// A typed list: every item coerced, every refusal reported with its index.
    private static func eachItem(of value: JSONValue, at path: [JSONValue], as item: FieldType)
        -> Result<JSONValue, ValidationIssues>
    {
        guard let items = value.arrayValue else {
            return .failure(ValidationIssues(all: [
                ValidationIssue(type: "list_type", loc: path, msg: "Input should be a valid list", input: value)
            ]))
        }
        var coerced: [JSONValue] = []
        var refused: [ValidationIssue] = []
        for (index, element) in items.enumerated() {
            switch item.coerce(element, at: path + [.int(index)]) {
            case .success(let value): coerced.append(value)
            case .failure(let issues): refused += issues.all
            }
        }
        return refused.isEmpty ? .success(.array(coerced)) : .failure(ValidationIssues(all: refused))
    }
}

extension String {
    /// The text as Python's `int()`/`float()` read it: surrounding whitespace dropped, `_` allowed between digits.
    fileprivate var pythonNumeral: String {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        let characters = Array(trimmed)
        let digitsOnly = characters.indices.allSatisfy { index in
            characters[index] != "_"
                || (index > 0 && index < characters.count - 1 && characters[index - 1].isNumber
                    && characters[index + 1].isNumber)
        }
        return digitsOnly ? trimmed.replacingOccurrences(of: "_", with: "") : trimmed
    }

    /// pydantic reads `"20.0"` as the integer 20: a fraction of zeros is dropped.
    fileprivate var wholeNumeral: String {
        guard let dot = firstIndex(of: "."), case let fraction = self[index(after: dot)...], !fraction.isEmpty,
            fraction.allSatisfy({ $0 == "0" })
        else { return self }
        return String(self[..<dot])
    }
}
