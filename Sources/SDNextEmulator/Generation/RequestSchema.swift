/// The request models of SD.Next's generation routes, as pydantic builds them: the generated signature tables
/// (`RequestSchema+Signatures.swift`) overlaid with the extra fields `modules/api/models.py` and
/// `modules/api/control.py` declare. An extra field replaces a signature field of the same name in place, as a
/// Python dict update keeps the key's position, so `parameters` echoes fields in SD.Next's order. Unknown keys
/// are ignored (pydantic's `extra='ignore'`).
enum RequestSchema {
    /// Extra fields are not wrapped in Optional: `sampler_name: null` is a 422, not a fallback.
    private static let generationExtras: [FieldSpec] = [
        FieldSpec("sampler_index", .intOrString, 0, nullable: false),
        FieldSpec("sampler_name", .string, "Default", nullable: false),
        FieldSpec("hr_sampler_name", .string, "Same as primary", nullable: false),
        FieldSpec("script_name", .string, ""),
        FieldSpec("script_args", .list, [], nullable: false),
        FieldSpec("send_images", .bool, true, nullable: false),
        FieldSpec("save_images", .bool, false, nullable: false),
        FieldSpec("alwayson_scripts", .dict, .object([:]), nullable: false),
        FieldSpec("ip_adapter", .list, .null),
        FieldSpec("control_units", .list, .null),
        FieldSpec("init_control", .list, .null),
    ]

    static let txt2img = processingSignature.overlaid(
        by: generationExtras + [
            FieldSpec("face", .dict, .null),
            FieldSpec("extra", .dict, .object([:])),
        ])

    static let img2img = processingSignature.overlaid(
        by: generationExtras + [
            FieldSpec("init_images", .list, .null, nullable: false),
            FieldSpec("denoising_strength", .float, 0.5, nullable: false),
            FieldSpec("mask", .string, .null),
            FieldSpec("include_init_images", .bool, false, nullable: false),
            FieldSpec("face_id", .dict, .null),
            FieldSpec("extra", .dict, .object([:])),
        ])

    /// `/sdapi/v1/control`, built from `control_run()`: `batch_count` not `n_iter`, and the size
    /// from `width_before`/`height_before` (plain `width`/`height` are ignored).
    static let control = controlSignature.overlaid(by: [
        FieldSpec("sampler_name", .string, "Default", nullable: false),
        FieldSpec("script_name", .string, .null),
        FieldSpec("script_args", .list, [], nullable: false),
        FieldSpec("send_images", .bool, true, nullable: false),
        FieldSpec("save_images", .bool, false, nullable: false),
        FieldSpec("alwayson_scripts", .dict, .object([:]), nullable: false),
        FieldSpec("ip_adapter", .list, .null),
        FieldSpec("face", .dict, .null),
        FieldSpec("control", .list, []),
        FieldSpec("xyz", .dict, .null),
        FieldSpec("extra", .dict, .object([:])),
        FieldSpec("init_control", .list, .null),
    ])

    /// Validates a body against `fields`: the FastAPI/pydantic step before the handler runs.
    static func validate(_ body: JSONValue, fields: [FieldSpec]) throws(APIError) -> ParsedRequest {
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
                values[field.name] = field.defaultValue
                continue
            }
            switch field.coerce(supplied) {
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
    let fields: [FieldSpec]
    /// The sampler the generation uses: `sampler_name`, or a `sampler_index` name, in its canonical spelling.
    var sampler = "Default"

    init(values: JSONObject, fields: [FieldSpec]) {
        self.values = values
        self.fields = fields
    }

    /// A field's value, falling back to its default when the client sent `null`.
    func value(_ name: String) -> JSONValue {
        if let value = values[name], !value.isNull { return value }
        return fields.first { $0.name == name }?.defaultValue ?? .null
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

extension [FieldSpec] {
    /// These fields with `extras` applied as a Python dict update: a known name is replaced where it stands, a new
    /// one is appended.
    func overlaid(by extras: [FieldSpec]) -> [FieldSpec] {
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
