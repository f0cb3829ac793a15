/// A1111's `Processed.js()` has keys SD.Next's lacks (clients written for A1111 validate them) and lacks a few of
/// SD.Next's; the rest, infotexts included, is shared.
extension GenerationInfo {
    /// Version string A1111 puts in `info` (its release, not a commit).
    static let a1111Version = "v1.10.1"

    /// SD.Next's `info` object reshaped as A1111 writes it.
    static func a1111(_ info: JSONValue, plan: GenerationPlan, context: GenerationContext) -> JSONValue {
        guard var object = info.objectValue else { return info }
        for key in ["cfg_end", "detailer", "detailer_model"] { object[key] = nil }
        object["restore_faces"] = false
        object["face_restoration_model"] = .null
        object["sd_model_name"] = .string(context.model.name)
        object["sd_vae_name"] = .null
        object["sd_vae_hash"] = .null
        object["is_using_inpainting_conditioning"] = .bool(plan.isInpainting)
        object["version"] = .string(a1111Version)
        if object["styles"]?.isNull ?? true { object["styles"] = [] }
        return .object(object)
    }
}
