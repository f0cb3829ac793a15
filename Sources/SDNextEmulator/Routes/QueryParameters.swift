import Hummingbird
import SDNextModels

/// Query parameters parsed as FastAPI parses them, with its 422 bodies on bad or missing input.
extension Request {
    /// A boolean query parameter with pydantic's parsing (`true`, `1`, `yes`, `on`, …).
    func boolQuery(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        switch SDNextFieldType.bool.validate(.string(text), field: name) {
        case .success(let value): return value.boolValue ?? defaultValue
        case .failure(let issues):
            throw APIError.validation(issues.all.map {
                ValidationIssue(type: $0.type, loc: ["query", .string(name)], msg: $0.msg, input: .string(text))
            })
        }
    }

    /// A required string query parameter: FastAPI answers 422 `missing` at `["query", name]`.
    /// An integer query parameter with pydantic's parsing and its 422 on bad input.
    func intQuery(_ name: String, default defaultValue: Int) throws -> Int {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        switch SDNextFieldType.int.validate(.string(text), field: name) {
        case .success(let value): return value.intValue ?? defaultValue
        case .failure(let issues):
            throw APIError.validation(issues.all.map {
                ValidationIssue(type: $0.type, loc: ["query", .string(name)], msg: $0.msg, input: .string(text))
            })
        }
    }

    func requiredQuery(_ name: String) throws -> String {
        guard let text = uri.queryParameters.get(name) else {
            throw APIError.validation([
                ValidationIssue(type: "missing", loc: ["query", .string(name)], msg: "Field required", input: .null)
            ])
        }
        return text
    }

    /// An optional string query parameter.
    func queryString(_ name: String) -> String? { uri.queryParameters.get(name) }
}
