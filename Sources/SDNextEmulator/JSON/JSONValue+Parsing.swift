import Foundation

/// Why a body is not valid JSON, for FastAPI's 422 `json_invalid` error (`loc: ["body", position]`,
/// `ctx.error: message`). The message is Foundation's wording rather than Python's
/// `JSONDecodeError.msg`; clients read neither, but the shape and position match.
struct JSONSyntaxError: Error, Equatable {
    var message: String
    /// Offset of the problem in the body, as in `JSONDecodeError.pos` (the end when the body is cut short).
    var position: Int
}

extension JSONValue {
    /// Parses a request body with Foundation's `JSONSerialization`, keeping apart what the
    /// pydantic-style validation must tell apart: `20` (int) from `20.0` and `20.5` (floats), and
    /// `true` from `1`.
    ///
    /// `JSONSerialization` does not keep object key order, so keys come back sorted: deterministic,
    /// though SD.Next would keep the client's order where it shows (the `updated` list of
    /// `POST /options`, nested objects echoed in `parameters`, which of several unknown
    /// `alwayson_scripts` is named).
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw JSONSyntaxError(serializationError: error, length: bytes.count)
        }
        return JSONValue(serialized: object)
    }

    /// Converts `JSONSerialization` output (strings, `NSNumber`s, arrays, dictionaries, `NSNull`).
    private init(serialized object: Any) {
        switch object {
        case let number as NSNumber: self.init(number: number)
        case let text as String: self = .string(text)
        case let array as [Any]: self = .array(array.map(JSONValue.init(serialized:)))
        case let dictionary as [String: Any]:
            var members = JSONObject()
            for key in dictionary.keys.sorted() {
                if let value = dictionary[key] { members[key] = JSONValue(serialized: value) }
            }
            self = .object(members)
        default: self = .null
        }
    }

    /// An `NSNumber`'s Objective-C type code says what the JSON text was: `c` for `true`/`false`,
    /// `d` for a number with a fraction or exponent, an integer code otherwise. Integers beyond
    /// `Int` (which JSONSerialization hands back as unsigned or decimal numbers) become floats.
    private init(number: NSNumber) {
        switch String(cString: number.objCType) {
        case "c", "B": self = .bool(number.boolValue)
        case "f", "d": self = .double(number.doubleValue)
        case "Q" where number.uint64Value > UInt64(Int.max): self = .double(number.doubleValue)
        default: self = .int(number.intValue)
        }
    }
}

extension JSONSyntaxError {
    /// Reads the position from the error's `NSJSONSerializationErrorIndex` (Darwin) or its
    /// "… around character N." description (Linux); a body that ends early fails at its end.
    fileprivate init(serializationError error: any Error, length: Int) {
        let info = (error as NSError).userInfo
        let description = info[NSDebugDescriptionErrorKey] as? String ?? String(describing: error)
        message = description
        position = info["NSJSONSerializationErrorIndex"] as? Int ?? Self.characterOffset(in: description) ?? length
    }

    private static func characterOffset(in description: String) -> Int? {
        let words = description.split(separator: " ")
        guard let index = words.firstIndex(of: "character"), index + 1 < words.endIndex else { return nil }
        return Int(words[index + 1].filter(\.isNumber))
    }
}
