import Foundation

/// Bounds a job's parameters must respect before it is queued. The origin only logged warnings and let SD.Next
/// fail (or run out of memory) later; rejecting at submit keeps bad jobs out of the queue.
public struct ParameterLimits: Sendable, Equatable {
    /// Longest accepted prompt or negative prompt, in characters.
    public var maxPromptLength = 4_000
    /// Sampling steps per pass.
    public var steps = 1...150
    /// Image width and height in pixels; each must also be a multiple of 8 (SD's VAE scale factor).
    public var dimension = 64...2048
    /// Largest width × height, so one job cannot ask for more pixels than a GPU holds.
    public var maxPixels = 2048 * 2048
    /// Images per batch.
    public var batchSize = 1...8
    /// Batches per job.
    public var iterations = 1...16
    /// Classifier-free guidance scale.
    public var cfgScale = 1.0...30.0
    /// Denoising strength, when given.
    public var denoisingStrength = 0.0...1.0
    /// Longest sampler name.
    public var maxSamplerNameLength = 64
    /// Largest request body, in bytes (images travel as base64, a third larger than the file). Beyond it: 413.
    public var maxRequestBytes = 32 * 1024 * 1024
    /// Largest input image (an init image, a mask, a control image), decoded, in bytes. Beyond it: 413.
    public var maxImageBytes = 16 * 1024 * 1024
    /// Input images per job, all fields together.
    public var maxImages = 16

    public init() {}
}

/// One rejected parameter: which field and why, so the API can answer 422 naming it.
public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension GenerationParameters {
    /// Checks every set field against `limits`; returns all problems, in field order. (The origin's keys are always
    /// set: decoding fills in their defaults.) Input images are checked where they are kept (`InputImages`).
    /// `requiringPrompt` is the origin API's rule; SD.Next itself draws from an empty prompt.
    public func problems(under limits: ParameterLimits = ParameterLimits(), requiringPrompt: Bool = true) -> [ParameterError] {
        var problems: [ParameterError] = []
        func check(_ ok: Bool, _ field: String, _ message: @autoclosure () -> String) {
            if !ok { problems.append(ParameterError(field: field, message: message())) }
        }
        let prompt = self.prompt ?? ""
        check(!requiringPrompt || !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "prompt", "must not be empty")
        check(prompt.count <= limits.maxPromptLength, "prompt", "must be at most \(limits.maxPromptLength) characters")
        check((self.negativePrompt?.count ?? 0) <= limits.maxPromptLength, "negative_prompt",
              "must be at most \(limits.maxPromptLength) characters")
        if let steps = self.steps {
            check(limits.steps.contains(steps), "steps", "must be between \(limits.steps.lowerBound) and \(limits.steps.upperBound)")
        }
        if let samplerName = self.samplerName {
            let name = samplerName.trimmingCharacters(in: .whitespaces)
            check(!name.isEmpty && samplerName.count <= limits.maxSamplerNameLength, "sampler_name",
                  "must be a sampler name of 1 to \(limits.maxSamplerNameLength) characters")
        }
        if let cfgScale = self.cfgScale {
            check(cfgScale.isFinite && limits.cfgScale.contains(cfgScale), "cfg_scale",
                  "must be between \(limits.cfgScale.lowerBound) and \(limits.cfgScale.upperBound)")
        }
        let keys = sizeKeys
        for (field, value) in [(keys.width, width), (keys.height, height)] {
            guard let value else { continue }
            check(limits.dimension.contains(value) && value % 8 == 0, field,
                  "must be a multiple of 8 between \(limits.dimension.lowerBound) and \(limits.dimension.upperBound)")
        }
        if let width, let height {
            check(width * height <= limits.maxPixels, keys.width, "width × height must be at most \(limits.maxPixels) pixels")
        }
        if let seed = self.seed {
            check(seed >= -1 && seed <= Int(UInt32.max), "seed", "must be -1 (random) or between 0 and \(UInt32.max)")
        }
        if let batchSize = self.batchSize {
            check(limits.batchSize.contains(batchSize), "batch_size",
                  "must be between \(limits.batchSize.lowerBound) and \(limits.batchSize.upperBound)")
        }
        if let nIter {
            check(limits.iterations.contains(nIter), keys.iterations,
                  "must be between \(limits.iterations.lowerBound) and \(limits.iterations.upperBound)")
        }
        if let denoisingStrength = self.denoisingStrength {
            check(denoisingStrength.isFinite && limits.denoisingStrength.contains(denoisingStrength), "denoising_strength",
                  "must be between \(limits.denoisingStrength.lowerBound) and \(limits.denoisingStrength.upperBound)")
        }
        problems += imageProblems(under: limits)
        return problems
    }

    /// What each kind needs of its images: img2img at least one init image; control no more `inputs` than units
    /// to put them in (see `ControlRequest.withImagesInUnits`).
    private func imageProblems(under limits: ParameterLimits) -> [ParameterError] {
        var problems: [ParameterError] = []
        var count = 0
        var request = self.request
        request.mapImages { _, image in
            count += 1
            return image
        }
        if count > limits.maxImages {
            problems.append(ParameterError(field: "body", message: "must hold at most \(limits.maxImages) images"))
        }
        switch request {
        case .txt2img:
            break
        case .img2img(let body):
            if body.initImages.isEmpty {
                problems.append(ParameterError(field: "init_images", message: "must hold at least one base64 image"))
            }
        case .control(let body):
            let units = body.control?.count ?? 0
            if let inputs = body.inputs, units > 0, inputs.count > units {
                problems.append(ParameterError(
                    field: "inputs", message: "has \(inputs.count) images for \(units) control units; each unit takes one"))
            }
        }
        return problems
    }
}
