import DynamicJSON

/// One field of an SD.Next request model as its signature declares it, shared by Easel (which checks the fields it
/// passes through) and the emulator (which builds its request models from them), so both judge a body alike.
/// `nullable` is false where the annotation has no `Optional`: pydantic validates an explicit `null` there and
/// refuses it, though an absent key takes the default.
public struct SDNextField: Sendable {
    public let name: String
    public let type: SDNextFieldType
    public let defaultValue: SDNextDefault
    public let nullable: Bool

    public init(_ name: String, _ type: SDNextFieldType, _ defaultValue: SDNextDefault, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.nullable = nullable
    }

    /// The supplied value as the model stores it, or pydantic's 422 entries refusing it.
    public func coerce(_ value: JSONValue) -> Result<JSONValue, FieldIssues> {
        if value.isNull && nullable { return .success(.null) }
        return type.coerce(value, field: name)
    }
}

/// A field's default as the signature writes it. pydantic echoes a default without validating it, so
/// `cfg_end: float = 1` answers `1`, not `1.0`: the literal's own kind is kept, which `JSONValue.number` cannot.
public enum SDNextDefault: Sendable, Equatable, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case emptyList
    case emptyDict

    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}

/// One entry of FastAPI's 422 `detail` list, as pydantic words it.
public struct FieldIssue: Sendable, Equatable {
    public let type: String
    /// From `"body"` down: the field, then a list index or a union member's tag (`"int"`, `"str"`).
    public let loc: [JSONValue]
    public let msg: String
    public let input: JSONValue
    public var ctx: [String: JSONValue]? = nil

    public init(type: String, loc: [JSONValue], msg: String, input: JSONValue, ctx: [String: JSONValue]? = nil) {
        self.type = type
        self.loc = loc
        self.msg = msg
        self.input = input
        self.ctx = ctx
    }
}

/// Every reason pydantic gives for refusing one field: a list reports each bad item, a union each member.
public struct FieldIssues: Error, Sendable, Equatable {
    public let all: [FieldIssue]

    /// The reasons in one line, each below the field named by where it points (`1: Input should be a valid string`).
    public var reason: String {
        all.map { issue in
            let place = issue.loc.dropFirst(2).map { $0.stringValue ?? $0.intValue.map(String.init) ?? "" }
            return (place.isEmpty ? "" : place.joined(separator: ".") + ": ") + issue.msg
        }.joined(separator: "; ")
    }
}
