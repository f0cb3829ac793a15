import Foundation

/// Any JSON value.
///
/// SD.Next's responses are loosely typed: fields change type between versions (`id` is an int, a string or
/// null), `info` is a JSON document inside a string, and option values can be anything. Decoding into this
/// enum first and reading fields leniently keeps one odd field from failing a whole response.
public enum JSONValue: Sendable, Codable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let exact = Int(exactly: value) {
                try container.encode(exact)
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// MARK: - Lenient accessors

extension JSONValue {
    /// The member `key` of an object; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The members of an object; nil for other values.
    public var objectValue: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The elements of an array; nil for other values.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// A string as is; nil for other values.
    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// A number, or a string holding a number.
    public var doubleValue: Double? {
        switch self {
        case .number(let value): value
        case .string(let text): Double(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A whole number, or a string or fractional number that converts to one (truncated toward zero).
    public var intValue: Int? {
        switch self {
        case .number(let value):
            guard value.isFinite, value.magnitude < 9.0e18 else { return nil }
            return Int(value)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return Int(trimmed) ?? JSONValue.number(Double(trimmed) ?? .nan).intValue
        default:
            return nil
        }
    }

    /// A boolean, or the strings `"true"`/`"false"`, or the numbers 0/1.
    public var boolValue: Bool? {
        switch self {
        case .bool(let value): value
        case .number(let value): value == 0 ? false : value == 1 ? true : nil
        case .string(let text): Bool(text.lowercased())
        default: nil
        }
    }

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
