/// The request models of SD.Next's generation routes, as pydantic builds them: the generated signature tables
/// (`SDNextField+Signatures.swift`) overlaid with the extra fields `modules/api/models.py` and
/// `modules/api/control.py` declare. An extra field replaces a signature field of the same name in place, as a
/// Python dict update keeps the key's position, so `parameters` echoes fields in SD.Next's order. Unknown keys
/// are ignored (pydantic's `extra='ignore'`). The emulator validates requests against these, and Easel checks the
/// fields of a job's body that no Swift property names.
extension SDNextField {
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

    /// txt2img's model (`ReqTxt2Img`).
    public static let txt2img = processing.overlaid(
        by: generationExtras + [
            SDNextField("face", .dict, .null),
            SDNextField("extra", .dict, .emptyDict),
        ])

    /// img2img's model (`ReqImg2Img`).
    public static let img2img = processing.overlaid(
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
    public static let controlModel = control.overlaid(by: [
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
