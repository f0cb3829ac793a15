import DynamicJSON
import SDNextModels

/// Crossings between the emulator's JSON and the shared `DynamicJSON.JSONValue` that `SDNextModels` works in.
extension JSONValue {
    /// The value as the shared type, where ints and floats are both `.number`.
    var dynamic: DynamicJSON.JSONValue {
        switch self {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .number(Double(number))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(\.dynamic))
        case .object(let object):
            .object(Dictionary(uniqueKeysWithValues: object.entries.map { ($0.key, $0.value.dynamic) }))
        }
    }

    /// A shared value in the emulator's JSON: a whole number that fits is an int.
    init(_ dynamic: DynamicJSON.JSONValue) {
        switch dynamic {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = Int(exactly: number).map(JSONValue.int) ?? .double(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members): self = .object(JSONObject(members))
        }
    }

    /// A signature's default, echoed as SD.Next writes it (`cfg_end: float = 1` stays `1`).
    init(_ defaultValue: SDNextDefault) {
        switch defaultValue {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .float(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .emptyList: self = .array([])
        case .emptyDict: self = .object([:])
        }
    }
}

extension JSONObject {
    /// A shared object, keys sorted: it has no order of its own to keep.
    init(_ members: [String: DynamicJSON.JSONValue]) {
        self.init()
        for key in members.keys.sorted() { self[key] = JSONValue(members[key]!) }
    }
}
