import SDNextModels

/// Validation of SD.Next's request models (`SDNextField.txt2img`, `.img2img`, `.controlModel` in SDNextModels): the
/// FastAPI/pydantic step before a handler runs. Unknown keys are ignored (pydantic's `extra='ignore'`).
enum RequestSchema {
    static let txt2img = SDNextField.txt2img
    static let img2img = SDNextField.img2img
    static let control = SDNextField.controlModel

    /// Validates a body against `fields`: the FastAPI/pydantic step before the handler runs.
    static func validate(_ body: JSONValue, fields: [SDNextField]) throws(APIError) -> ParsedRequest {
        guard let object = body.objectValue else {
            throw .validation([
                ValidationIssue(
                    type: "model_attributes_type", loc: ["body"],
                    msg: "Input should be a valid dictionary or object to extract fields from", input: body)
            ])
        }
        var values = JSONObject()
        var issues: [ValidationIssue] = []
        for field in fields {
            guard let supplied = object[field.name] else {
                values[field.name] = JSONValue(field.defaultValue)
                continue
            }
            switch field.validate(supplied) {
            case .success(let value): values[field.name] = value
            case .failure(let refused): issues += refused.all
            }
        }
        guard issues.isEmpty else { throw .validation(issues) }
        return ParsedRequest(values: values, fields: fields)
    }
}

/// A validated request: every schema field, coerced, with defaults filled in.
struct ParsedRequest: Sendable {
    private(set) var values: JSONObject
    let fields: [SDNextField]
    /// The sampler the generation uses: `sampler_name`, or a `sampler_index` name, in its canonical spelling.
    var sampler = "Default"

    init(values: JSONObject, fields: [SDNextField]) {
        self.values = values
        self.fields = fields
    }

    /// A field's value, falling back to its default when the client sent `null`.
    func value(_ name: String) -> JSONValue {
        if let value = values[name], !value.isNull { return value }
        return fields.first { $0.name == name }.map { JSONValue($0.defaultValue) } ?? .null
    }

    func int(_ name: String) -> Int { value(name).intValue ?? 0 }
    func double(_ name: String) -> Double { value(name).doubleValue ?? 0 }
    func bool(_ name: String) -> Bool { value(name).boolValue ?? false }
    func string(_ name: String) -> String? { value(name).stringValue }

    /// A prompt field as text (`str` in SD.Next's model, so never a list).
    func prompt(_ name: String) -> String { string(name) ?? "" }

    /// The `parameters` echo: every field as sent (after coercion) or defaulted.
    var echo: JSONValue { .object(values) }

    mutating func set(_ name: String, _ value: JSONValue) { values[name] = value }
}
