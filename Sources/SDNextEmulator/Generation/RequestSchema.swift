import SDNextModels

/// The request models of SD.Next's generation routes, as pydantic builds them: the generated signature tables
/// (`SDNextField+Signatures.swift` in SDNextModels) overlaid with the extra fields `modules/api/models.py` and
/// `modules/api/control.py` declare. An extra field replaces a signature field of the same name in place, as a
/// Python dict update keeps the key's position, so `parameters` echoes fields in SD.Next's order. Unknown keys
/// are ignored (pydantic's `extra='ignore'`).
enum RequestSchema {
    /// Extra fields are not wrapped in Optional: `sampler_name: null` is a 422, not a fallback.
    private static let generationExtras: [SDNextField] = [
        SDNextField("sampler_index", .intOrString, 0, nullable: false),
        SDNextField("sampler_name", .string, "Default", nullable: false),
        SDNextField("hr_sampler_name", .string, "Same as primary", nullable: false),
        SDNextField("script_name", .string, ""),
        SDNextField("script_args", .list, .emptyList, nullable: false),
        SDNextField("send_images", .bool, true, nullable: false),
        SDNextField("save_images", .bool, false, nullable: false),
        SDNextField("alwayson_scripts", .dict, .emptyDict, nullable: false),
        SDNextField("ip_adapter", .list, .null),
        SDNextField("control_units", .list, .null),
        SDNextField("init_control", .list, .null),
    ]

    static let txt2img = SDNextField.processing.overlaid(
        by: generationExtras + [
            SDNextField("face", .dict, .null),
            SDNextField("extra", .dict, .emptyDict),
        ])

    static let img2img = SDNextField.processing.overlaid(
        by: generationExtras + [
            SDNextField("init_images", .list, .null, nullable: false),
            SDNextField("denoising_strength", .float, 0.5, nullable: false),
            SDNextField("mask", .string, .null),
            SDNextField("include_init_images", .bool, false, nullable: false),
            SDNextField("face_id", .dict, .null),
            SDNextField("extra", .dict, .emptyDict),
        ])

    /// `/sdapi/v1/control`, built from `control_run()`: `batch_count` not `n_iter`, and the size
    /// from `width_before`/`height_before` (plain `width`/`height` are ignored).
    static let control = SDNextField.control.overlaid(by: [
        SDNextField("sampler_name", .string, "Default", nullable: false),
        SDNextField("script_name", .string, .null),
        SDNextField("script_args", .list, .emptyList, nullable: false),
        SDNextField("send_images", .bool, true, nullable: false),
        SDNextField("save_images", .bool, false, nullable: false),
        SDNextField("alwayson_scripts", .dict, .emptyDict, nullable: false),
        SDNextField("ip_adapter", .list, .null),
        SDNextField("face", .dict, .null),
        SDNextField("control", .list, .emptyList),
        SDNextField("xyz", .dict, .null),
        SDNextField("extra", .dict, .emptyDict),
        SDNextField("init_control", .list, .null),
    ])

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

extension [SDNextField] {
    /// These fields with `extras` applied as a Python dict update: a known name is replaced where it stands, a new
    /// one is appended.
    func overlaid(by extras: [SDNextField]) -> [SDNextField] {
        var fields = self
        for extra in extras {
            if let index = fields.firstIndex(where: { $0.name == extra.name }) {
                fields[index] = extra
            } else {
                fields.append(extra)
            }
        }
        return fields
    }
}
