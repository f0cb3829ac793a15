import Foundation

/// One checkpoint the emulator pretends to have on disk, shaped like an SD.Next `ItemModel`.
struct CheckpointInfo: Sendable, Equatable {
    let name: String
    let shortHash: String
    let sha256: String
    let type: String
    let modelType: String
    let pipelineClass: String

    /// `"name [sha10]"`, the form `sd_model_checkpoint` takes in `/options`.
    var title: String { "\(name) [\(shortHash)]" }
    var filename: String { "/app/models/Stable-diffusion/\(name).safetensors" }

    var itemJSON: JSONValue {
        .object([
            "title": .string(title), "model_name": .string(name), "filename": .string(filename),
            "type": .string(type), "sha256": .string(sha256), "hash": .string(shortHash), "config": .null,
        ])
    }

    /// The keys of SD.Next's `checkpoint_aliases`: name, filename, short hash and title, exactly.
    func isAlias(_ query: String) -> Bool {
        query == name || query == filename || query == shortHash || query == title
    }

    /// `model_name`, as the infotext's `Model:` writes it (commas and colons removed).
    var infotextName: String {
        String(name.split(separator: "/").last ?? Substring(name)).replacingOccurrences(of: ",", with: "")
            .replacingOccurrences(of: ":", with: "")
    }
}

extension CheckpointInfo {
    /// A checkpoint the catalogue lists by name only: a stable made-up hash, and the family its name suggests.
    init(named name: String) {
        let sha256 = FakeHash.hex(of: "checkpoint/" + name, length: 64)
        let lowered = name.lowercased()
        let family: (String, String) =
            lowered.contains("flux") ? ("f1", "FluxPipeline")
            : lowered.contains("xl") ? ("sdxl", "StableDiffusionXLPipeline") : ("sd", "StableDiffusionPipeline")
        self.init(
            name: name, shortHash: String(sha256.prefix(10)), sha256: sha256, type: "safetensors", modelType: family.0,
            pipelineClass: family.1)
    }
}

/// One emulator's checkpoints and LoRAs (`--models`, `--loras`), so a pool of emulators can differ.
struct Catalogue: Sendable {
    let checkpoints: [CheckpointInfo]
    let loras: [LoRAInfo]

    /// The named entries, taken from the built-in ones where a name matches; nil keeps the built-in list.
    init(models: [String]? = nil, loras: [String]? = nil) {
        checkpoints = models.map { names in
            names.map { name in ModelCatalog.checkpoints.first { $0.name == name } ?? CheckpointInfo(named: name) }
        } ?? ModelCatalog.checkpoints
        self.loras = loras.map { names in
            names.map { name in ModelCatalog.loras.first { $0.name == name } ?? LoRAInfo(named: name) }
        } ?? ModelCatalog.loras
    }

    /// `get_closest_checkpoint_match`: an exact alias, then a title, then a name ignoring any `[hash]`, both
    /// case-insensitive and only when one checkpoint matches. (Hugging Face and CivitAI lookups are left out.)
    func checkpoint(matching query: String) -> CheckpointInfo? {
        if let exact = checkpoints.first(where: { $0.isAlias(query) }) { return exact }
        let byTitle = checkpoints.filter { $0.title.lowercased() == query.lowercased() }
        if byTitle.count == 1 { return byTitle[0] }
        let byName = checkpoints.filter { Self.removeHash($0.title).lowercased() == Self.removeHash(query).lowercased() }
        return byName.count == 1 ? byName[0] : nil
    }

    /// `select_checkpoint`: names shorter than three characters and `"None"` select nothing.
    func select(_ query: String?) -> CheckpointInfo? {
        guard let query, query != "None", query.count >= 3 else { return nil }
        return checkpoint(matching: query)
    }

    /// `checkpoint_aliases.get(name)`, which `override_settings` checks (no fuzzy matching there).
    func checkpoint(aliased query: String) -> CheckpointInfo? { checkpoints.first { $0.isAlias(query) } }

    /// `available_network_aliases`: a LoRA by its name (dots as underscores) or its file's base name.
    func lora(named name: String) -> LoRAInfo? {
        loras.first { $0.name == name } ?? loras.first { $0.fileBaseName == name }
    }

    /// `remove_hash`: drops every `[...]` and the blanks before it.
    private static func removeHash(_ text: String) -> String {
        text.replacingOccurrences(of: #"\s*\[.*?\]"#, with: "", options: .regularExpression)
    }
}

/// Stable hex digests for made-up catalogue entries (FNV-1a, repeated): not cryptographic, only fixed per name.
enum FakeHash {
    static func hex(of text: String, length: Int) -> String {
        var digits = ""
        var round: UInt64 = 0
        while digits.count < length {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ round
            for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            digits += String(format: "%016llx", hash)
            round += 1
        }
        return String(digits.prefix(length))
    }
}

/// The built-in checkpoints (the default catalogue), samplers and always-on scripts the emulator offers.
enum ModelCatalog {
    static let checkpoints: [CheckpointInfo] = [
        CheckpointInfo(
            name: "sdxl-base-1.0", shortHash: "31e35c80fc",
            sha256: "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b",
            type: "safetensors", modelType: "sdxl", pipelineClass: "StableDiffusionXLPipeline"),
        CheckpointInfo(
            name: "juggernautXL_v9", shortHash: "c9e3e68f89",
            sha256: "c9e3e68f89b8e38689e1097d4be4573cf308de4e3fd044c64ca697bdb4aa8bca",
            type: "safetensors", modelType: "sdxl", pipelineClass: "StableDiffusionXLPipeline"),
        CheckpointInfo(
            name: "dreamshaper_8", shortHash: "879db523c3",
            sha256: "879db523c30d3b9017143d56705015e15a2cb5628762c11d086fed9538abd7fd",
            type: "safetensors", modelType: "sd", pipelineClass: "StableDiffusionPipeline"),
    ]

    /// Sampler names SD.Next lists at the reference commit (`"Default"` is valid but unlisted).
    static let samplerNames = [
        "UniPC", "DDIM", "Euler", "Euler a", "Euler SGM", "Euler EDM", "Euler FlowMatch", "DPM++", "DPM++ 2M",
        "DPM++ 3M", "DPM++ 1S", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 3M SDE", "DPM++ 2M EDM", "DPM++ Cosine",
        "DPM SDE", "DPM2 FlowMatch", "DPM2a FlowMatch", "Heun", "Heun FlowMatch", "DEIS", "SA Solver", "DC Solver",
        "TCD", "LCM", "PNDM", "DDPM", "LMSD", "KDPM2", "KDPM2 a",
    ]

    /// The diffusers scheduler class behind each listed sampler (`sd_samplers_diffusers.py`'s
    /// `SamplerData` table), which `/sdapi/v1/sampler` reports once a generation used it.
    static let schedulerClasses: [String: String] = [
        "UniPC": "UniPCMultistepScheduler", "DDIM": "DDIMScheduler", "Euler": "EulerDiscreteScheduler",
        "Euler a": "EulerAncestralDiscreteScheduler", "Euler SGM": "EulerDiscreteScheduler",
        "Euler EDM": "EDMEulerScheduler", "Euler FlowMatch": "FlowMatchEulerDiscreteScheduler",
        "DPM++": "DPMSolverMultistepScheduler", "DPM++ 2M": "DPMSolverMultistepScheduler",
        "DPM++ 3M": "DPMSolverMultistepScheduler", "DPM++ 1S": "DPMSolverSinglestepScheduler",
        "DPM++ SDE": "DPMSolverMultistepScheduler", "DPM++ 2M SDE": "DPMSolverMultistepScheduler",
        "DPM++ 3M SDE": "DPMSolverMultistepScheduler", "DPM++ 2M EDM": "EDMDPMSolverMultistepScheduler",
        "DPM++ Cosine": "CosineDPMSolverMultistepScheduler", "DPM SDE": "DPMSolverSDEScheduler",
        "DPM2 FlowMatch": "FlowMatchDPMSolverMultistepScheduler", "DPM2a FlowMatch": "FlowMatchDPMSolverMultistepScheduler",
        "Heun": "HeunDiscreteScheduler", "Heun FlowMatch": "FlowMatchHeunDiscreteScheduler", "DEIS": "DEISMultistepScheduler",
        "SA Solver": "SASolverScheduler", "DC Solver": "DCSolverMultistepScheduler", "TCD": "TCDScheduler",
        "LCM": "LCMScheduler", "PNDM": "PNDMScheduler", "DDPM": "DDPMScheduler", "LMSD": "LMSDiscreteScheduler",
        "KDPM2": "KDPM2DiscreteScheduler", "KDPM2 a": "KDPM2AncestralDiscreteScheduler",
    ]

    /// The scheduler class a request's `sampler_name` selects; nil for `"Default"` (the model's own).
    static func schedulerClass(forSampler name: String) -> String? {
        let lowered = name.lowercased()
        return samplerNames.first { $0.lowercased() == lowered }.flatMap { schedulerClasses[$0] }
    }

    /// The canonical name of a sampler given exactly or in another case (`"Default"` included), as SD.Next's
    /// `validate_sampler_name` returns it; nil when no sampler has that name.
    static func canonicalSampler(_ name: String) -> String? {
        let lowered = name.lowercased()
        if lowered == "default" { return "Default" }
        return samplerNames.first { $0.lowercased() == lowered }
    }

    /// Titles of SD.Next's built-in always-on scripts at the reference commit (§1.4); there is no
    /// `controlnet` among them.
    static let alwaysOnScriptTitles = [
        "Tag Autocomplete", "Init Latents", "IP Adapters", "NudeNet", "Prompt enhance", "ROCm: Advanced Config",
        "XYZ Grid",
    ]

    /// `alwayson_scripts` keys match titles case-insensitively.
    static func isAlwaysOnScript(_ title: String) -> Bool {
        let lowered = title.lowercased()
        return alwaysOnScriptTitles.contains { $0.lowercased() == lowered }
    }

    static var samplersJSON: JSONValue {
        .array(
            samplerNames.map { name in
                .object([
                    "name": .string(name),
                    "options": .object([
                        "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                        "beta_schedule": "scaled_linear", "prediction_type": "epsilon", "timestep_spacing": "leading",
                    ]),
                ])
            })
    }
}
