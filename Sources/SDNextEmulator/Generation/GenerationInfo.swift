import Foundation

/// What a generation really ran with, for its `info` and infotexts: the model loaded at the time, the
/// scheduler its pipeline used, and the LoRAs the prompt named that the backend has.
struct GenerationContext: Sendable {
    let model: CheckpointInfo
    /// The pipeline's scheduler class (the infotext's `Scheduler:`).
    let schedulerClass: String
    let loras: [LoRAInfo]
    /// Option `lora_add_hashes_to_infotext`.
    let loraHashes: Bool
    /// Option `prompt_attention`.
    let parser: String
}

/// Builds the `info` SD.Next returns: `json.dumps` of processing metadata (`Processed.js`), with
/// infotexts as `modules/processing_info.create_infotext` writes them.
enum GenerationInfo {
    /// SD.Next's commit at the reference snapshot, used as `Version:` in infotexts.
    static let commit = "058a7f0"

    static func json(plan: GenerationPlan, context: GenerationContext, jobTimestamp: String, imageCount: Int) -> JSONValue {
        let request = plan.request
        let seeds = plan.allSeeds
        let infotexts: [JSONValue] = (0..<max(imageCount, 0)).map { index in
            .string(infotext(plan: plan, context: context, index: min(index, seeds.count - 1)))
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
            "sd_model_hash": .string(context.model.shortHash),
            "seed_resize_from_w": .int(request.int("seed_resize_from_w")),
            "seed_resize_from_h": .int(request.int("seed_resize_from_h")),
            "denoising_strength": .double(request.double("denoising_strength")),
            "extra_generation_params": .object(extraParameters(context)),
            "index_of_first_image": .int(0),
            "infotexts": .array(infotexts),
            "styles": request.value("styles"),
            "job_timestamp": .string(jobTimestamp),
            "clip_skip": .int(Int(request.double("clip_skip"))),
        ]
        return .object(info)
    }

    /// `create_infotext` for image `index`: the prompt (LoRA tags kept), the always present
    /// `Negative prompt:` line, then `Key: value` pairs in SD.Next's order. None, empty, `0x0` and
    /// numbers ≤ -1 are left out; values with `,`, `:` or a newline are JSON-quoted.
    static func infotext(plan: GenerationPlan, context: GenerationContext, index: Int) -> String {
        let request = plan.request
        let seeds = plan.allSeeds
        var args: [(String, JSONValue)] = [
            ("Steps", .int(request.int("steps"))),
            ("Size", .string("\(plan.outputWidth)x\(plan.outputHeight)")),
            ("Sampler", request.sampler == "Default" ? .null : .string(request.sampler)),
            ("Scheduler", .string(context.schedulerClass)),
            ("Seed", .int(seeds[index])),
        ]
        let resizeW = request.int("seed_resize_from_w"), resizeH = request.int("seed_resize_from_h")
        if resizeW > 0 && resizeH > 0 { args.append(("Seed resize from", .string("\(resizeW)x\(resizeH)"))) }
        let cfgEnd = request.double("cfg_end"), cfgTrue = request.double("cfg_true"), clipSkip = request.double("clip_skip")
        args += [
            ("CFG scale", .double(request.double("cfg_scale"))),
            ("CFG rescale", .double(request.double("cfg_rescale"))),
            ("CFG end", cfgEnd < 1 ? .double(cfgEnd) : .null),
            ("CFG true", cfgTrue > 0 ? .double(cfgTrue) : .null),
            ("CLiP-skip", clipSkip > 1 ? .double(clipSkip) : .null),
            ("Batch", plan.iterations > 1 || plan.batchSize > 1 ? .string("\(plan.iterations)x\(plan.batchSize)") : .null),
            ("Refiner prompt", .string(request.string("refiner_prompt"))),
            ("Refiner negative", .string(request.string("refiner_negative"))),
            ("Styles", .string((request.value("styles").arrayValue ?? []).compactMap(\.stringValue).joined(separator: "; "))),
            ("App", "SD.Next"),
            ("Version", .string(commit)),
            ("Parser", context.parser == "native" ? .null : .string(context.parser)),
            ("Pipeline", .string(plan.pipelineClass(of: context.model))),
            ("Operations", .string(plan.operations)),
            ("Model", .string(context.model.infotextName)),
            ("Model hash", .string(context.model.shortHash)),
            ("VAE", request.string("vae_type") == "Tiny" ? "TAESD" : .null),
        ]
        if plan.iterations > 1 || plan.batchSize > 1 {
            args.append(("Index", .string("\(index / plan.batchSize + 1)x\(index + 1)")))
        }
        let subseedStrength = request.double("subseed_strength")
        if plan.kind == .txt2img && subseedStrength > 0 {
            args += [("Variation seed", .int(plan.allSubseeds[index])), ("Variation strength", .double(subseedStrength))]
        }
        if plan.hiresSteps != nil {
            args.append(("Refine", true))
            if request.bool("hr_force") {
                args += [
                    ("Hires force", true), ("Hires steps", .int(request.int("hr_second_pass_steps"))),
                    ("Hires strength", .double(request.double("hr_denoising_strength"))),
                ]
            }
        }
        if plan.kind == .img2img, let initImage = plan.initImage {
            args += [
                ("Init image size", .string("\(initImage.width)x\(initImage.height)")),
                ("Denoising strength", .double(request.double("denoising_strength"))),
            ]
        }
        args += extraParameters(context).entries.map { ($0.key, $0.value) }
        let parameters = args.compactMap { key, value in text(value).map { "\(key): \(quote($0))" } }
        let lines = "\(plan.prompt)\nNegative prompt: \(plan.negativePrompt)\n" + parameters.joined(separator: ", ")
        return lines.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `p.extra_generation_params` the LoRA network adds (`extra_networks_lora.infotext`).
    private static func extraParameters(_ context: GenerationContext) -> JSONObject {
        var extra = JSONObject()
        guard !context.loras.isEmpty else { return extra }
        extra["LoRA networks"] = .string(context.loras.map(\.name).joined(separator: ", "))
        if context.loraHashes { extra["LoRA hashes"] = .string(context.loras.map(\.shortHash).joined(separator: ", ")) }
        return extra
    }

    /// A value as `str()` prints it, or nil for what `create_infotext` drops.
    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: nil
        case .int(let number): number <= -1 ? nil : String(number)
        case .double(let number): number <= -1 ? nil : JSONWriter.pythonFloat(number)
        case .bool(let flag): flag ? "True" : "False"
        case .string(let string): string.isEmpty || string == "0x0" ? nil : string
        default: nil
        }
    }

    /// `infotext.quote`: JSON-quoted (UTF-8 kept) when the value holds `,`, `:` or a newline.
    static func quote(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == ":" || $0 == "\n" }) ? JSONWriter.string(.string(text)) : text
    }
}
