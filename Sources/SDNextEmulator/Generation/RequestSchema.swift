/// The request fields of SD.Next's generation routes with their defaults, in the order the
/// `parameters` echo lists them. SD.Next builds ~250 fields from the processing signature; this
/// keeps the ones clients send or read, and unknown keys are ignored as SD.Next ignores them.
enum RequestSchema {
    private static let shared: [FieldSpec] = [
        FieldSpec("prompt", .prompt, ""),
        FieldSpec("negative_prompt", .prompt, ""),
        FieldSpec("styles", .list, []),
        FieldSpec("seed", .int, -1),
        FieldSpec("subseed", .int, -1),
        FieldSpec("subseed_strength", .float, 0.0),
        FieldSpec("seed_resize_from_h", .int, -1),
        FieldSpec("seed_resize_from_w", .int, -1),
        FieldSpec("sampler_name", .string, "Default"),
        FieldSpec("sampler_index", .intOrString, 0),
        FieldSpec("hr_sampler_name", .string, "Same as primary"),
        FieldSpec("batch_size", .int, 1),
        FieldSpec("n_iter", .int, 1),
        FieldSpec("steps", .int, 20),
        FieldSpec("clip_skip", .float, 1.0),
        FieldSpec("width", .int, 1024),
        FieldSpec("height", .int, 1024),
        FieldSpec("full_quality", .bool, true),
        FieldSpec("tiling", .bool, false),
        FieldSpec("hidiffusion", .bool, false),
        FieldSpec("do_not_save_samples", .bool, false),
        FieldSpec("do_not_save_grid", .bool, false),
        FieldSpec("cfg_scale", .float, 6.0),
        FieldSpec("cfg_end", .float, 1.0),
        FieldSpec("cfg_rescale", .float, 0.0),
        FieldSpec("cfg_true", .float, 0.0),
        FieldSpec("image_cfg_scale", .float, nil),
        FieldSpec("diffusers_guidance_rescale", .float, 0.0),
        FieldSpec("pag_scale", .float, 0.0),
        FieldSpec("pag_adaptive", .float, 0.5),
        FieldSpec("vae_type", .string, "Full"),
        FieldSpec("enable_hr", .bool, false),
        FieldSpec("hr_scale", .float, 2.0),
        FieldSpec("hr_upscaler", .string, nil),
        FieldSpec("hr_force", .bool, false),
        FieldSpec("hr_resize_mode", .int, 0),
        FieldSpec("hr_second_pass_steps", .int, 0),
        FieldSpec("hr_resize_x", .int, 0),
        FieldSpec("hr_resize_y", .int, 0),
        FieldSpec("hr_denoising_strength", .float, 0.0),
        FieldSpec("refiner_steps", .int, 5),
        FieldSpec("refiner_start", .float, 0.0),
        FieldSpec("refiner_prompt", .string, ""),
        FieldSpec("refiner_negative", .string, ""),
        FieldSpec("detailer_enabled", .bool, false),
        FieldSpec("detailer_prompt", .string, ""),
        FieldSpec("detailer_negative", .string, ""),
        FieldSpec("detailer_steps", .int, 10),
        FieldSpec("detailer_strength", .float, 0.3),
        FieldSpec("override_settings", .dict, .object([:])),
        FieldSpec("override_settings_restore_afterwards", .bool, true),
        FieldSpec("sd_model_checkpoint", .string, nil),
        FieldSpec("ip_adapter", .list, nil),
        FieldSpec("extra", .dict, .object([:])),
        FieldSpec("script_name", .string, ""),
        FieldSpec("script_args", .list, []),
        FieldSpec("alwayson_scripts", .dict, .object([:])),
        FieldSpec("send_images", .bool, true),
        FieldSpec("save_images", .bool, false),
    ]

    static let txt2img: [FieldSpec] =
        shared + [
            FieldSpec("denoising_strength", .float, 0.3),
            FieldSpec("face", .dict, nil),
        ]

    static let img2img: [FieldSpec] =
        shared + [
            FieldSpec("denoising_strength", .float, 0.5),
            FieldSpec("init_images", .list, nil),
            FieldSpec("mask", .string, nil),
            FieldSpec("mask_blur", .int, 4),
            FieldSpec("inpainting_fill", .int, 1),
            FieldSpec("inpaint_full_res", .bool, false),
            FieldSpec("inpaint_full_res_padding", .int, 0),
            FieldSpec("inpainting_mask_invert", .int, 0),
            FieldSpec("initial_noise_multiplier", .float, nil),
            FieldSpec("resize_mode", .int, 0),
            FieldSpec("include_init_images", .bool, false),
            FieldSpec("face_id", .dict, nil),
        ]

    /// `/sdapi/v1/control`, built from `control_run()`: `batch_count` not `n_iter`, and the size
    /// from `width_before`/`height_before` (plain `width`/`height` are ignored).
    static let control: [FieldSpec] = [
        FieldSpec("prompt", .prompt, ""),
        FieldSpec("negative_prompt", .prompt, ""),
        FieldSpec("styles", .list, []),
        FieldSpec("steps", .int, 20),
        FieldSpec("sampler_name", .string, "Default"),
        FieldSpec("sampler_index", .intOrString, 0),
        FieldSpec("seed", .int, -1),
        FieldSpec("subseed", .int, -1),
        FieldSpec("subseed_strength", .float, 0.0),
        FieldSpec("cfg_scale", .float, 6.0),
        FieldSpec("cfg_end", .float, 1.0),
        FieldSpec("clip_skip", .float, 1.0),
        FieldSpec("batch_count", .int, 1),
        FieldSpec("batch_size", .int, 1),
        FieldSpec("denoising_strength", .float, 0.3),
        FieldSpec("width_before", .int, 1024),
        FieldSpec("height_before", .int, 1024),
        FieldSpec("resize_mode_before", .int, 0),
        FieldSpec("resize_name_before", .string, "None"),
        FieldSpec("scale_by_before", .float, 1.0),
        FieldSpec("inputs", .list, nil),
        FieldSpec("inits", .list, nil),
        FieldSpec("mask", .string, nil),
        FieldSpec("unit_type", .string, nil),
        FieldSpec("control", .list, []),
        FieldSpec("ip_adapter", .list, nil),
        FieldSpec("face", .dict, nil),
        FieldSpec("xyz", .dict, nil),
        FieldSpec("vae_type", .string, "Full"),
        FieldSpec("enable_hr", .bool, false),
        FieldSpec("sd_model_checkpoint", .string, nil),
        FieldSpec("send_images", .bool, true),
        FieldSpec("save_images", .bool, false),
    ]

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
            switch field.type.coerce(supplied, field: field.name) {
            case .success(let value): values[field.name] = value
            case .failure(let issue): issues.append(issue)
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

    /// A prompt field as text (a list prompt uses its first entry, as processing does per image).
    func prompt(_ name: String) -> String {
        switch value(name) {
        case .string(let text): text
        case .array(let items): items.first?.stringValue ?? ""
        default: ""
        }
    }

    /// The `parameters` echo: every field as sent (after coercion) or defaulted.
    var echo: JSONValue { .object(values) }

    mutating func set(_ name: String, _ value: JSONValue) { values[name] = value }
}
