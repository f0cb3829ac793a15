import DynamicJSON
import Foundation

/// The JSON type SD.Next's request models declare for a field, with pydantic v2's lax coercions: `"20"` is an int,
/// `1` a bool, and a refusal carries pydantic's own 422 entry. Numbers are `JSONValue.number`: pydantic's verdict
/// depends only on a number's value and on whether a whole number fits, so the int/float split is not needed here.
public enum SDNextFieldType: Sendable {
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

    /// Coerces `value` as pydantic v2 does in lax mode, or describes why it cannot (`null` included: the caller
    /// lets it through for Optional fields). Issues are located at `["body", field, …]`.
    public func coerce(_ value: JSONValue, field: String) -> Result<JSONValue, FieldIssues> {
        coerce(value, at: [.string("body"), .string(field)])
    }

    private func coerce(_ value: JSONValue, at path: [JSONValue]) -> Result<JSONValue, FieldIssues> {
        func issue(_ type: String, _ msg: String) -> Result<JSONValue, FieldIssues> {
            .failure(FieldIssues(all: [FieldIssue(type: type, loc: path, msg: msg, input: value)]))
        }
        switch self {
        case .any:
            return .success(value)
        case .string:
            return value.stringValue != nil ? .success(value) : issue("string_type", "Input should be a valid string")
        case .stringList:
            return Self.eachItem(of: value, at: path, as: .string)
        case .imageList:
            guard let items = value.arrayValue else { return issue("list_type", "Input should be a valid list") }
            let refused = items.indices.map { index in
                FieldIssue(
                    type: "is_instance_of", loc: path + [.number(Double(index))],
                    msg: "Input should be an instance of Image", input: items[index], ctx: ["class": .string("Image")])
            }
            return refused.isEmpty ? .success(value) : .failure(FieldIssues(all: refused))
        case .list:
            return value.arrayValue != nil ? .success(value) : issue("list_type", "Input should be a valid list")
        case .dict:
            return value.objectValue != nil ? .success(value) : issue("dict_type", "Input should be a valid dictionary")
        case .int:
            switch value {
            case .bool(let flag): return .success(.number(flag ? 1 : 0))
            case .number(let number):
                guard number.rounded() == number else {
                    return issue("int_from_float", "Input should be a valid integer, got a number with a fractional part")
                }
                guard Int(exactly: number) != nil else {
                    return issue("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size")
                }
                return .success(value)
            case .string(let text):
                if let number = Int(text.pythonNumeral.wholeNumeral) { return .success(.number(Double(number))) }
                return issue("int_parsing", "Input should be a valid integer, unable to parse string as an integer")
            default: return issue("int_type", "Input should be a valid integer")
            }
        case .intOrString:
            // Smart-mode union: a string stays a string; otherwise both members' refusals, tagged `int` and `str`.
            if value.stringValue != nil { return .success(value) }
            switch Self.int.coerce(value, at: path + [.string("int")]) {
            case .success(let number): return .success(number)
            case .failure(let refusal):
                let notString = FieldIssue(
                    type: "string_type", loc: path + [.string("str")], msg: "Input should be a valid string",
                    input: value)
                return .failure(FieldIssues(all: refusal.all + [notString]))
            }
        case .float:
            switch value {
            case .number: return .success(value)
            case .bool(let flag): return .success(.number(flag ? 1 : 0))
            case .string(let text):
                if let number = Double(text.pythonNumeral) { return .success(.number(number)) }
                return issue("float_parsing", "Input should be a valid number, unable to parse string as a number")
            default: return issue("float_type", "Input should be a valid number")
            }
        case .bool:
            switch value {
            case .bool: return .success(value)
            case .number(let number) where number == 0 || number == 1: return .success(.bool(number == 1))
            case .string(let text):
                switch text.lowercased() {
                case "0", "off", "f", "false", "n", "no": return .success(.bool(false))
                case "1", "on", "t", "true", "y", "yes": return .success(.bool(true))
                default: return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
                }
            // A whole number that is neither 0 nor 1 cannot be interpreted; any other number is not a boolean at all.
            case .number(let number) where Int(exactly: number) != nil:
                return issue("bool_parsing", "Input should be a valid boolean, unable to interpret input")
            default: return issue("bool_type", "Input should be a valid boolean")
            }
        }
    }

    /// A typed list: every item coerced, every refusal reported with its index.
    private static func eachItem(of value: JSONValue, at path: [JSONValue], as item: SDNextFieldType)
        -> Result<JSONValue, FieldIssues>
    {
        guard let items = value.arrayValue else {
            return .failure(FieldIssues(all: [
                FieldIssue(type: "list_type", loc: path, msg: "Input should be a valid list", input: value)
            ]))
        }
        var coerced: [JSONValue] = []
        var refused: [FieldIssue] = []
        for (index, element) in items.enumerated() {
            switch item.coerce(element, at: path + [.number(Double(index))]) {
            case .success(let value): coerced.append(value)
            case .failure(let issues): refused += issues.all
            }
        }
        return refused.isEmpty ? .success(.array(coerced)) : .failure(FieldIssues(all: refused))
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
