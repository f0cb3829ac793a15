import DynamicJSON
import Foundation

/// Pulls a human-readable reason out of an SD.Next (or A1111, or FastAPI) error body.
///
/// Shapes seen in practice:
/// - SD.Next: `{"error":"RuntimeError","code":500,"detail":"","body":"","errors":"CUDA out of memory"}`
///   (for an HTTPException `detail` holds the reason and `errors` is `"<code>: <detail>"`);
/// - img2img without an init image: `{"error":"Init image is none"}`;
/// - FastAPI validation: `{"detail":[{"type":"int_parsing","loc":["body","steps"],"msg":"Input should be ..."}]}`;
/// - anything else (proxies, HTML error pages): the text itself.
enum ErrorBodyMessage {
    /// The longest body text quoted in a message when the body is not JSON.
    static let maxQuotedCharacters = 300

    static func extract(from body: String, status: Int) -> String {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "HTTP \(status) with an empty body" }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)) else {
            return String(trimmed.prefix(maxQuotedCharacters))
        }
        if let detail = json["detail"], let text = describe(detail: detail) {
            return text
        }
        for key in ["errors", "error", "message"] {
            if let text = json[key]?.stringValue, !text.isEmpty {
                return text
            }
        }
        if let text = json.stringValue, !text.isEmpty {
            return text
        }
        return "HTTP \(status)"
    }

    /// `detail` is a string for HTTPExceptions, a list for FastAPI validation errors, and anything at all
    /// when a route raises with a structured detail.
    private static func describe(detail: JSONValue) -> String? {
        switch detail {
        case .string(let text):
            return text.isEmpty ? nil : text
        case .array(let items):
            let parts = items.compactMap(describe(validationItem:))
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        case .null:
            return nil
        default:
            return compactJSON(detail)
        }
    }

    /// One FastAPI validation entry: `{"loc":["body","steps"],"msg":"..."}` becomes `body.steps: ...`.
    private static func describe(validationItem item: JSONValue) -> String? {
        guard let message = item["msg"]?.stringValue else {
            return item.stringValue ?? compactJSON(item)
        }
        let location = (item["loc"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0.intValue.map(String.init) }
        return location.isEmpty ? message : "\(location.joined(separator: ".")): \(message)"
    }

    private static func compactJSON(_ value: JSONValue) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
