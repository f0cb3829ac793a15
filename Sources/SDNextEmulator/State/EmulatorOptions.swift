/// The server options `/sdapi/v1/options` reads and writes.
///
/// SD.Next's GET returns only `opts.data` (saved and runtime-set values), not every default, so
/// this keeps a sparse, ordered dictionary seeded with what a fresh install has saved.
struct EmulatorOptions: Sendable {
    private(set) var values: JSONObject
    /// The option keys this server has: `knownKeys`, less `server_rate_limit` on servers without a limiter.
    private let keys: Set<String>

    /// Option keys a POST may set (true in `updated`); anything else answers false.
    static let knownKeys: Set<String> = [
        "sd_model_checkpoint", "sd_model_refiner", "sd_vae", "sd_unet", "sd_text_encoder", "samples_format",
        "jpeg_quality", "show_progress_type", "keep_incomplete", "return_grid", "server_rate_limit",
        "sequential_seed", "live_preview_downscale", "live_preview_refresh_period", "samples_save", "grid_save",
        "save_images_before_detailer", "cross_attention_optimization", "cuda_dtype", "diffusers_offload_mode",
        "lora_add_hashes_to_infotext", "prompt_attention",
    ]

    /// `rateLimit` nil: a server without SD.Next's limiter (legacy SD.Next, A1111), which has no such option.
    init(checkpoint: CheckpointInfo?, samplesFormat: SamplesFormat, rateLimit: Int?) {
        keys = rateLimit == nil ? Self.knownKeys.subtracting(["server_rate_limit"]) : Self.knownKeys
        values = [
            "sd_model_checkpoint": .string(checkpoint?.title ?? "None"),
            "sd_vae": "Automatic",
            "samples_format": .string(samplesFormat.rawValue),
            "show_progress_type": "TAESD",
            "jpeg_quality": 90,
            "keep_incomplete": true,
            "return_grid": true,
            "diffusers_offload_mode": "balanced",
        ]
        if let rateLimit { values["server_rate_limit"] = .int(rateLimit) }
    }

    /// `server_rate_limit`: cost units per window (a minute) per (client, path); 0 or absent disables the limiter.
    var rateLimit: Int { values["server_rate_limit"]?.intValue ?? 0 }

    /// Sets a known option; false for unknown keys and for the value it already has (SD.Next's `opts.set` result).
    mutating func set(_ key: String, to value: JSONValue) -> Bool {
        guard keys.contains(key), values[key] != value else { return false }
        values[key] = value
        return true
    }

    /// `setattr(opts, key, value)`: known keys take the value as given; others are not options and change nothing.
    mutating func assign(_ key: String, to value: JSONValue) {
        if keys.contains(key) { values[key] = value }
    }

    /// `lora_add_hashes_to_infotext` (default off): the infotext lists LoRA hashes as well as names.
    var loraHashesInInfotext: Bool { values["lora_add_hashes_to_infotext"]?.boolValue ?? false }

    /// `prompt_attention` (default `native`), which the infotext names as `Parser:` when it is another.
    var promptAttention: String { values["prompt_attention"]?.stringValue ?? "native" }

    var samplesFormat: SamplesFormat {
        values["samples_format"]?.stringValue.flatMap { SamplesFormat(rawValue: $0.lowercased()) } ?? .jpg
    }

    var jpegQuality: Int32 { Int32(clamping: values["jpeg_quality"]?.intValue ?? 90) }
    var keepIncomplete: Bool { values["keep_incomplete"]?.boolValue ?? true }
    var returnGrid: Bool { values["return_grid"]?.boolValue ?? true }
}
