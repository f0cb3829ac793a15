import DynamicJSON
import SDNextModels

/// One entry of FastAPI's 422 `detail` list, in the emulator's JSON (loc and input keep ints apart from floats).
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

extension SDNextField {
    /// The supplied value as the model stores it, or the 422 entries that reject it: `SDNextField.coerce` in the
    /// emulator's JSON.
    func validate(_ value: JSONValue) -> Result<JSONValue, ValidationIssues> {
        type.emulated(coerce(value.dynamic), sent: value)
    }
}

extension SDNextFieldType {
    /// `value` coerced as pydantic does for a field of this type, or the 422 entries that reject it.
    func validate(_ value: JSONValue, field: String) -> Result<JSONValue, ValidationIssues> {
        emulated(coerce(value.dynamic, field: field), sent: value)
    }

    /// The shared coercion's outcome in the emulator's JSON. A coerced number becomes what pydantic stores for this
    /// type (`int` or `float`); values pydantic keeps as they are, and every issue's `input`, are taken from what
    /// was sent, so a `2.0` sent is echoed as `2.0`.
    fileprivate func emulated(_ outcome: Result<DynamicJSON.JSONValue, FieldIssues>, sent: JSONValue)
        -> Result<JSONValue, ValidationIssues>
    {
        switch outcome {
        case .success(let coerced):
            switch (self, coerced) {
            case (.float, .number(let number)): return .success(.double(number))
            case (.int, .number(let number)), (.intOrString, .number(let number)):
                return .success(Int(exactly: number).map(JSONValue.int) ?? .double(number))
            case (.bool, .bool(let flag)): return .success(.bool(flag))
            default: return .success(sent)
            }
        case .failure(let refused):
            return .failure(ValidationIssues(all: refused.all.map { ValidationIssue($0, sent: sent) }))
        }
    }
}

extension ValidationIssue {
    /// pydantic's entry, with `input` the part of `sent` it points at (a list item; a union tag points nowhere new).
    fileprivate init(_ issue: FieldIssue, sent: JSONValue) {
        let input = issue.loc.dropFirst(2).reduce(sent) { value, step in
            guard case .number(let index) = step, let items = value.arrayValue, let at = Int(exactly: index),
                items.indices.contains(at)
            else { return value }
            return items[at]
        }
        self.init(
            type: issue.type, loc: issue.loc.map(JSONValue.init), msg: issue.msg, input: input,
            ctx: issue.ctx.map(JSONObject.init))
    }
}
