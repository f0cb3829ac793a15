/// Serialises `JSONValue` the way SD.Next's Python stack does.
///
/// FastAPI responses use compact separators and keep non-ASCII text as is; the `info` string is
/// produced by `json.dumps` with its defaults (`", "`, `": "`, ASCII escapes). Floats print like
/// Python's `repr` (`6.0`, `0.05`), so a client that mixes up ints and floats fails here as it would
/// against the real server.
///
/// Hand-written on purpose: Foundation's `JSONSerialization`/`JSONEncoder` cannot do this (they
/// write `6` for `6.0`, do not keep key order, escape `/`, and have no `json.dumps` spacing or
/// ASCII-only mode). Parsing, which has no such needs, uses `JSONSerialization`.
struct JSONWriter {
    enum Style {
        /// FastAPI `JSONResponse`: `{"a":1,"b":[1,2]}`, UTF-8 kept.
        case fastAPI
        /// `json.dumps(obj)`: `{"a": 1, "b": [1, 2]}`, non-ASCII escaped as `\uXXXX`.
        case pythonDumps
    }

    let style: Style

    static func string(_ value: JSONValue, style: Style = .fastAPI) -> String {
        var output = ""
        JSONWriter(style: style).write(value, into: &output)
        return output
    }

    static func bytes(_ value: JSONValue, style: Style = .fastAPI) -> [UInt8] {
        Array(string(value, style: style).utf8)
    }

    private var itemSeparator: String { style == .fastAPI ? "," : ", " }
    private var keySeparator: String { style == .fastAPI ? ":" : ": " }

    private func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += Self.pythonFloat(number)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += itemSeparator }
                write(element, into: &output)
            }
            output += "]"
        case .object(let object):
            output += "{"
            for (position, entry) in object.entries.enumerated() {
                if position > 0 { output += itemSeparator }
                writeString(entry.key, into: &output)
                output += keySeparator
                write(entry.value, into: &output)
            }
            output += "}"
        }
    }

    /// Python `repr(float)`: always shows a fraction or exponent, `Infinity`/`NaN` as `json` does.
    static func pythonFloat(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        let text = "\(number)"
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "n" }) ? text : text + ".0"
    }

    private func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || (style == .pythonDumps && scalar.value > 0x7E) {
                    appendEscaped(scalar, into: &output)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private func appendEscaped(_ scalar: Unicode.Scalar, into output: inout String) {
        func hex(_ unit: UInt32) -> String {
            let digits = String(unit, radix: 16)
            return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
        if scalar.value > 0xFFFF {
            let offset = scalar.value - 0x10000
            output += hex(0xD800 + (offset >> 10)) + hex(0xDC00 + (offset & 0x3FF))
        } else {
            output += hex(scalar.value)
        }
    }
}
