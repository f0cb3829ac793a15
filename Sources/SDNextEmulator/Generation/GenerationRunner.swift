/// What a finished generation hands back to its route.
struct GenerationOutcome: Sendable {
    /// Images in order (grid not included); empty for aborted runs.
    var images: [RGBImage] = []
    /// Control maps (`/control` only).
    var processed: [RGBImage] = []
    /// The `info` payload; nil means SD.Next's `""` for aborted runs.
    var info: JSONValue?
    /// Each image's infotext, which its file's metadata carries (`image.info["parameters"]`).
    var infotexts: [String] = []
    var plan: GenerationPlan?

    static let aborted = GenerationOutcome()
}

/// Stage timings, taken from the configuration.
struct StageTimings: Sendable {
    var step: Duration
    var gap: Duration
    var modelLoad: Duration
}

/// Walks one generation through SD.Next's exact stage order (reference §6.9), under the queue
/// lock: `API-*` → `Process` → per iteration [`Base` → `Params` → `TE Encode` → gap → update →
/// `Inference` → gap → nextjob → `VAE Decode` → gap] → ends. Interrupt and skip are honoured at
/// step boundaries only, as SD.Next's step callback does. Errors thrown after `begin` skip the
/// `end` calls, leaving the stale job SD.Next's progress shows after a failed request.
struct GenerationRunner: Sendable {
    let state: EmulatorState
    let controls: EmulatorControls
    let timings: StageTimings

    private enum SamplingResult {
        case completed
        case interrupted(step: Int, of: Int)
        case skipped
    }

    /// Under the lock, before `begin('API-*')`: building the processing object loads a missing model on
    /// demand and switches to the request's `sd_model_checkpoint` (an unknown one aborts the run).
    func run(_ plan: GenerationPlan) async throws -> GenerationOutcome {
        let faults = await controls.faults
        try await loadOnDemand()
        var aborted = false
        if let query = plan.requestedModel {
            if state.catalogue.select(query) == nil {
                aborted = true
            } else {
                await state.assignOption("sd_model_checkpoint", to: .string(query))
                _ = try await reloadModelWeights()
            }
        }
        await state.begin(plan.kind.outerStage, api: true)
        if let script = plan.unknownAlwaysOnScript {
            throw APIError.alwaysOnScriptNotFound(script)
        }
        guard !aborted, await state.loadedModel != nil else {
            // SD.Next with no model loaded answers 200 with no images (reference §6.7).
            await state.end()
            return .aborted
        }
        var restore: [(key: String, value: JSONValue)] = []
        do {
            try await applyOverrides(plan, storing: &restore)
            let outcome = try await process(plan, faults: faults)
            try await restoreOverrides(restore, when: plan.restoreSettings)
            return outcome
        } catch {
            // Python's `finally`: a failure while restoring replaces the one that ended the run.
            try await restoreOverrides(restore, when: plan.restoreSettings)
            throw error
        }
    }

    /// `process_images` with the model the overrides left loaded.
    private func process(_ plan: GenerationPlan, faults: FaultSettings) async throws -> GenerationOutcome {
        guard let model = await state.loadedModel else {
            await state.end()
            return .aborted
        }
        await state.useSampler(plan.request.sampler)
        // Names the backend lacks are skipped (`network_load` logs "not loaded" and goes on).
        let loras = plan.loraNames.compactMap(state.catalogue.lora(named:))
        await state.setLoadedLoRAs(loras)
        let context = GenerationContext(
            model: model, schedulerClass: ServerFixtures.schedulerClass(for: model, sampler: await state.schedulerClass),
            loras: loras, loraHashes: await state.options.loraHashesInInfotext, parser: await state.options.promptAttention)
        await state.begin("Process")
        try await pause(timings.gap)
        if faults.serverError {
            throw APIError.runtime(faults.errorMessage)
        }
        if faults.emptyImages {
            await state.end()
            await state.end()
            return .aborted
        }
        var outcome = GenerationOutcome(plan: plan)
        iterations: for iteration in 0..<plan.iterations {
            let flags = await state.stage
            if flags.interrupted { break }
            if flags.skipped {
                await state.consumeSkip()
                continue
            }
            switch try await runIteration(iteration, of: plan) {
            case .finished(let images): outcome.images += images
            case .skipped: continue
            case .interrupted(let partial):
                if let partial, await state.options.keepIncomplete { outcome.images.append(partial) }
                break iterations
            }
        }
        outcome.processed = plan.controlImages.map { EdgeMap.edges(of: $0) }
        await state.end()
        let timestamp = await state.stage.jobTimestamp
        let info = GenerationInfo.json(plan: plan, context: context, jobTimestamp: timestamp, imageCount: outcome.images.count)
        outcome.info = state.flavor == .a1111 ? GenerationInfo.a1111(info, plan: plan, context: context) : info
        outcome.infotexts = (0..<outcome.images.count).map {
            GenerationInfo.infotext(plan: plan, context: context, index: min($0, plan.allSeeds.count - 1))
        }
        await state.end()
        return outcome
    }

    private enum IterationResult {
        case finished([RGBImage])
        case skipped
        case interrupted(partial: RGBImage?)
    }

    private func runIteration(_ iteration: Int, of plan: GenerationPlan) async throws -> IterationResult {
        let seeds = (0..<plan.batchSize).map { plan.seed + iteration * plan.batchSize + $0 }
        if plan.kind == .img2img { try await stage("VAE Encode") }
        await state.begin("Base")
        try await pause(timings.gap)
        await state.begin("Params")
        await state.begin("TE Encode")
        try await pause(timings.gap)
        await state.end()
        await state.end()
        try await pause(timings.gap)
        await state.update(steps: plan.inferenceSteps)
        try await pause(timings.gap)
        let base = try await sample(steps: plan.inferenceSteps, seeds: seeds, plan: plan, width: plan.width, height: plan.height)
        if let early = await earlyExit(base, openStages: 1, seeds: seeds, plan: plan, width: plan.width, height: plan.height) {
            return early
        }
        try await pause(timings.gap)
        if let hiresSteps = plan.hiresSteps {
            await state.begin("Hires")
            try await pause(timings.gap)
            let hires = try await sample(
                steps: hiresSteps, seeds: seeds, plan: plan, width: plan.outputWidth, height: plan.outputHeight)
            if let early = await earlyExit(
                hires, openStages: 2, seeds: seeds, plan: plan, width: plan.outputWidth, height: plan.outputHeight)
            {
                return early
            }
            await state.end()
            try await pause(timings.gap)
        }
        await state.end()
        await state.nextJob()
        try await pause(timings.gap)
        await state.begin("VAE Decode")
        let images = seeds.map { picture(seed: $0, plan: plan, width: plan.outputWidth, height: plan.outputHeight) }
        try await pause(timings.gap)
        await state.end()
        try await pause(timings.gap)
        return .finished(images)
    }

    /// After an interrupted or skipped pass: close the open stages (`Base`, `Hires`) and report.
    private func earlyExit(
        _ result: SamplingResult, openStages: Int, seeds: [Int], plan: GenerationPlan, width: Int, height: Int
    ) async -> IterationResult? {
        if case .completed = result { return nil }
        for _ in 0..<openStages { await state.end() }
        switch result {
        case .completed, .skipped:
            return .skipped
        case .interrupted(let step, let steps):
            guard step > 0 else { return .interrupted(partial: nil) }
            let amount = Double(step) / Double(max(steps, 1))
            let previews = seeds.map { seed in
                let renderer = PictureRenderer(seed: UInt64(truncatingIfNeeded: seed), prompt: plan.prompt)
                return renderer.noise(width: width, height: height).blended(
                    toward: picture(seed: seed, plan: plan, width: width, height: height), amount: amount)
            }
            return .interrupted(partial: previews.count > 1 ? RGBImage.grid(previews) : previews.first)
        }
    }

    /// One `Inference` stage of `steps` sampler callbacks.
    private func sample(steps: Int, seeds: [Int], plan: GenerationPlan, width: Int, height: Int) async throws
        -> SamplingResult
    {
        await state.begin("Inference")
        let previewSize = LivePreview.size(width: width, height: height)
        let renderer = PictureRenderer(seed: UInt64(truncatingIfNeeded: seeds[0]), prompt: plan.prompt)
        let latent = LivePreview.Latent(
            noise: renderer.noise(width: previewSize.width, height: previewSize.height),
            picture: renderer.render(width: previewSize.width, height: previewSize.height))
        for step in 1...max(steps, 1) {
            try await pause(timings.step)
            let flags = await state.stage
            if flags.interrupted {
                await state.end()
                return .interrupted(step: step - 1, of: steps)
            }
            if flags.skipped {
                await state.end()
                return .skipped
            }
            await state.step(step, of: steps, latent: latent)
            try await waitWhileHanging()
        }
        await state.end()
        return .completed
    }

    /// The `hang` fault: hold the lock mid-sampling (after the step just recorded) until
    /// interrupted, skipped or the fault is cleared.
    private func waitWhileHanging() async throws {
        while await controls.faults.hang, await !state.stage.interrupted, await !state.stage.skipped {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func picture(seed: Int, plan: GenerationPlan, width: Int, height: Int) -> RGBImage {
        let rendered = PictureRenderer(seed: UInt64(truncatingIfNeeded: seed), prompt: plan.prompt)
            .render(width: width, height: height)
        guard let initImage = plan.initImage else { return rendered }
        return initImage.resized(width: width, height: height)
            .blended(toward: rendered, amount: plan.request.double("denoising_strength"))
    }

    private func stage(_ name: String) async throws {
        await state.begin(name)
        try await pause(timings.gap)
        await state.end()
    }

    func pause(_ duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
    }
}
