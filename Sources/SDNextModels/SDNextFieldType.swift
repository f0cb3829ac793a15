import DynamicJSON

/// The JSON type SD.Next's request models declare for a field, read from SD.Next's own signatures
/// (`SDNextFieldType+Signatures.swift`, generated), so a further field (one no Swift property names) of the wrong
/// type is refused before the job is queued, not by SD.Next after it waited. The check is as lax as pydantic's:
/// `"20"` is an int, `1` a bool, `null` anything.
public enum SDNextFieldType: Sendable {
    case string, stringList, int, intOrString, float, bool, list, dict, any

    /// Whether SD.Next would take `value` for a field of this type.
    func accepts(_ value: JSONValue) -> Bool {
        if value.isNull { return true }
        switch self {
        case .any: return true
        case .string: return value.stringValue != nil
        case .stringList: return value.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false
        case .int: return Self.isInteger(value)
        case .intOrString: return value.stringValue != nil || Self.isInteger(value)
        case .float: return value.doubleValue?.isFinite ?? false
        case .bool: return value.boolValue != nil || ["yes", "no", "on", "off", "t", "f", "y", "n"].contains(value.stringValue?.lowercased() ?? "")
        case .list: return value.arrayValue != nil
        case .dict: return value.objectValue != nil
        }
    }

    private static func isInteger(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): number.isFinite && number.rounded() == number
        case .string(let text): Int(text.trimmingCharacters(in: .whitespaces)) != nil
        default: false
        }
    }

    /// The Swift type a decoding error names, so the API can say what the field must be.
    var swiftType: Any.Type {
        switch self {
        case .string, .intOrString, .any: String.self
        case .stringList, .list: [Any].self
        case .int: Int.self
        case .float: Double.self
        case .bool: Bool.self
        case .dict: [String: Any].self
        }
    }
}
