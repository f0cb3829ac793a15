/// Builds the `info` SD.Next returns: `json.dumps` of processing metadata, with A1111-style
/// infotexts (reference §1.5).
enum GenerationInfo {
    /// SD.Next's commit at the reference snapshot, used as `Version:` in infotexts.
    static let commit = "058a7f0"

    static func json(plan: GenerationPlan, model: CheckpointInfo, jobTimestamp: String, imageCount: Int) -> JSONValue {
        let request = plan.request
        let seeds = plan.allSeeds
        let infotexts: [JSONValue] = (0..<max(imageCount, 0)).map { index in
            .string(infotext(plan: plan, model: model, seed: seeds[min(index, seeds.count - 1)]))
        }
        let cfgEnd = request.double("cfg_end")
        let info: JSONObject = [
            "prompt": .string(plan.prompt),
            "all_prompts": .array(seeds.map { _ in .string(plan.prompt) }),
            "negative_prompt": .string(plan.negativePrompt),
            "all_negative_prompts": .array(seeds.map { _ in .string(plan.negativePrompt) }),
            "seed": .int(plan.seed),
            "all_seeds": .array(seeds.map(JSONValue.int)),
            "subseed": .int(plan.subseed),
            "all_subseeds": .array(plan.allSubseeds.map(JSONValue.int)),
            "subseed_strength": .double(request.double("subseed_strength")),
            "width": .int(plan.outputWidth),
            "height": .int(plan.outputHeight),
            "sampler_name": .string(request.sampler),
            "cfg_scale": .double(request.double("cfg_scale")),
            "cfg_end": cfgEnd == 1 ? .null : .double(cfgEnd),
            "steps": .int(request.int("steps")),
            "batch_size": .int(plan.batchSize),
            "detailer": .bool(request.bool("detailer_enabled")),
            "detailer_model": .null,
            "sd_model_hash": .string(model.shortHash),
            "seed_resize_from_w": .int(request.int("seed_resize_from_w")),
            "seed_resize_from_h": .int(request.int("seed_resize_from_h")),
            "denoising_strength": .double(request.double("denoising_strength")),
            "extra_generation_params": .object([:]),
            "index_of_first_image": .int(0),
            "infotexts": .array(infotexts),
            "styles": request.value("styles"),
            "job_timestamp": .string(jobTimestamp),
            "clip_skip": .int(Int(request.double("clip_skip"))),
        ]
        return .object(info)
    }

    /// `"<prompt>\nNegative prompt: <neg>\nSteps: 20, Size: 1024x1024, Seed: N, ..."`; empty values are left out.
    static func infotext(plan: GenerationPlan, model: CheckpointInfo, seed: Int) -> String {
        let request = plan.request
        var fields: [(String, String)] = [
            ("Steps", String(request.int("steps"))),
            ("Size", "\(plan.outputWidth)x\(plan.outputHeight)"),
            ("Seed", String(seed)),
        ]
        if request.sampler != "Default" { fields.append(("Sampler", request.sampler)) }
        fields += [
            ("CFG scale", compact(request.double("cfg_scale"))),
            ("App", "SD.Next"),
            ("Version", commit),
            ("Pipeline", model.pipelineClass),
            ("Operations", plan.kind.operation),
            ("Model", model.name),
            ("Model hash", model.shortHash),
        ]
        if plan.kind != .txt2img || plan.hiresSteps != nil {
            fields.append(("Denoising strength", compact(request.double("denoising_strength"))))
        }
        if let hires = plan.hiresSteps { fields.append(("Hires steps", String(hires))) }
        var text = plan.prompt
        if !plan.negativePrompt.isEmpty { text += "\nNegative prompt: \(plan.negativePrompt)" }
        text += "\n" + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        return text
    }

    /// `6.0` → `"6"`, `0.5` → `"0.5"`, as infotexts print numbers.
    private static func compact(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
