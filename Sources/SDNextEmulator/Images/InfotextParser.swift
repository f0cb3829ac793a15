import Foundation

/// SD.Next's `modules/infotext.parse`, which `png-info` answers with: the prompt fields, then every
/// `Key: value` pair in order, values turned into numbers and booleans where they read as such, and
/// `WxH` values split into `<key>-1`/`<key>-2`. Its quirks are kept (a prompt reading as a number
/// becomes one, negative numbers stay strings) because clients see exactly this dict.
enum InfotextParser {
    private static let parameter = try! NSRegularExpression(
        pattern: #"\s*([\w ]+):\s*("(?:\\"[^,]|\\"|\\|[^\"])+"|[^,]*)(?:,|$)"#)
    private static let size = try! NSRegularExpression(pattern: #"^(\d+)x(\d+)$"#)
    private static let firstParameters = ["steps: ", "seed: ", "width: ", "height: ", "sampler: ", "size: ", "cfg scale: ", "pipeline: "]
    private static let promptFields = ["negative prompt: ", "template: ", "negative template: "]

    static func parse(_ infotext: String) -> JSONObject {
        guard !infotext.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [:] }
        var remaining = infotext.replacingOccurrences(of: "\nSteps:", with: " Steps:")
        let prompt = extract("", &remaining)
        let negative = extract("negative prompt", &remaining)
        let template = extract("template", &remaining)
        let negativeTemplate = extract("negative template", &remaining)
        var params = JSONObject()
        let text = remaining as NSString
        for match in parameter.matches(in: remaining, range: NSRange(location: 0, length: text.length)) {
            params[text.substring(with: match.range(at: 1))] = .string(text.substring(with: match.range(at: 2)))
        }
        if params.count == 0 { return ["Prompt": .string(infotext)] }
        params["Prompt"] = prompt.isEmpty ? .null : .string(prompt)
        params["Negative prompt"] = negative.isEmpty ? .null : .string(negative)
        if !template.isEmpty, params["Prompt"]?.stringValue != template { params["Template"] = .string(template) }
        if !negativeTemplate.isEmpty, params["Negative prompt"]?.stringValue != negativeTemplate {
            params["Negative template"] = .string(negativeTemplate)
        }
        for (key, raw) in params.entries {
            let value = unquote(raw.stringValue ?? "").trimmingCharacters(in: CharacterSet(charactersIn: " ,\n"))
                .replacingOccurrences(of: "\\\n", with: "")
            if isNumber(value) {
                params[key] = value.contains(".") ? .double(Double(value) ?? 0) : (Int(value).map(JSONValue.int) ?? raw)
            } else if value == "True" || value == "False" {
                params[key] = .bool(value == "True")
            } else if key == "VAE" && value == "TAESD" {
                params["VAE type"] = "Tiny"
            } else if let (width, height) = sizeParts(value) {
                params["\(key)-1"] = .int(width)
                params["\(key)-2"] = .int(height)
            } else if raw.stringValue != nil {
                params[key] = .string(value)
            }
        }
        return params
    }

    /// `extract(keyword, text)`: the text up to the first parameter or prompt keyword, removed from `text`.
    private static func extract(_ keyword: String, _ text: inout String) -> String {
        guard keyword.isEmpty || text.range(of: keyword, options: .caseInsensitive) != nil else { return "" }
        if text.lowercased().hasPrefix(keyword + ":") {
            text = String(text.dropFirst(keyword.count + 1))
        }
        text = text.trimmingCharacters(in: .newlines).trimmingCharacters(in: .whitespacesAndNewlines)
        let positions = (firstParameters + promptFields).compactMap { text.range(of: $0, options: .caseInsensitive)?.lowerBound }
        let end = positions.min() ?? text.startIndex
        let found = String(text[..<end])
        if !found.isEmpty { text = text.replacingOccurrences(of: found, with: "") }
        return found.trimmingCharacters(in: .newlines).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `json.loads` of a double-quoted value; anything else as it is.
    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""),
            let decoded = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String
        else { return text }
        return decoded
    }

    /// Python's `val.replace('.', '', 1).isdigit()`.
    private static func isNumber(_ text: String) -> Bool {
        var digits = text
        if let dot = digits.firstIndex(of: ".") { digits.remove(at: dot) }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func sizeParts(_ text: String) -> (Int, Int)? {
        let range = NSRange(location: 0, length: (text as NSString).length)
        guard let match = size.firstMatch(in: text, range: range) else { return nil }
        let string = text as NSString
        guard let width = Int(string.substring(with: match.range(at: 1))), let height = Int(string.substring(with: match.range(at: 2)))
        else { return nil }
        return (width, height)
    }
}
