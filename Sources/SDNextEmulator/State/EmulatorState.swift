import Foundation

/// The emulator's shared server state: SD.Next's global `shared.state`, its options, the loaded
/// model and the stage history, behind one actor so routes and the generation worker agree.
actor EmulatorState {
    let flavor: Flavor
    private(set) var stage: StageState
    private var tasks = TaskRegistry()
    private var preview = LivePreview()
    private var history: [HistoryEntry] = []
    /// The `begin` records of the stages still open, innermost last: each `end(jobid)` finds its own.
    private var openStages: [HistoryEntry] = []
    private(set) var options: EmulatorOptions
    /// nil after `unload-checkpoint`, until a reload or a model switch.
    private(set) var loadedModel: CheckpointInfo?
    /// The scheduler class the last generation's sampler installed; nil means the loaded model's
    /// own (after a load, or a request with `"Default"`).
    private(set) var schedulerClass: String?
    let serverStart = Date().timeIntervalSince1970

    /// SD.Next keeps at most this many history entries.
    private static let historyLimit = 10_000

    /// The checkpoints and LoRAs this emulator has.
    let catalogue: Catalogue
    /// `lock-checkpoint`: while set, a missing model is not loaded on demand.
    private(set) var modelLocked = false
    /// `loaded-loras`: the LoRAs the last generation's prompt applied.
    private(set) var loadedLoRAs: [LoRAInfo] = []

    /// `rateLimit` is the initial `server_rate_limit` (nil: 0, disabled); flavors without a limiter have no such option.
    init(samplesFormat: SamplesFormat, rateLimit: Int?, flavor: Flavor = .sdnext, catalogue: Catalogue = Catalogue()) {
        self.catalogue = catalogue
        let model = catalogue.checkpoints.first
        self.flavor = flavor
        stage = StageState(flavor: flavor)
        loadedModel = model
        options = EmulatorOptions(
            checkpoint: model, samplesFormat: samplesFormat, rateLimit: flavor.hasRateLimiter ? rateLimit ?? 0 : nil)
    }

    private var now: Double { Date().timeIntervalSince1970 }

    // MARK: Stage transitions (called by the generation worker)

    func begin(_ title: String, api: Bool = false) {
        let time = now
        guard stage.begin(title, id: Self.makeStageID(), timestamp: Self.jobTimestamp(time), now: time, api: api) else {
            return
        }
        preview.reset()
        let entry = HistoryEntry(id: stage.id.text, job: stage.job.lowercased(), op: "begin", timestamp: time, duration: nil)
        openStages.append(entry)
        record(entry)
    }

    /// As `State.end(jobid)`: the end record carries its stage's id and job, restored from the begin record, and
    /// the stage's duration in seconds, rounded to milliseconds.
    func end() {
        let time = now
        guard stage.end(now: time), let begun = openStages.popLast() else { return }
        let duration = begun.timestamp.map { ((time - $0) * 1000).rounded() / 1000 }
        record(HistoryEntry(id: begun.id, job: begun.job, op: "end", timestamp: time, duration: duration))
    }

    /// Tells the state what the next generation runs (A1111 sets its job count from it).
    func announce(iterations: Int, hires: Bool) { stage.announce(iterations: iterations, hires: hires) }

    // MARK: A1111 tasks

    /// Registers an arriving generation as A1111 does (its `force_task_id` or a fresh id); nil on SD.Next.
    func enqueueTask(forcedID: String?, type: String) -> String? {
        guard flavor.tracksTasks else { return nil }
        let id = forcedID.flatMap { $0.isEmpty ? nil : $0 } ?? TaskRegistry.makeID(type: type)
        tasks.enqueue(id)
        return id
    }

    func startTask(_ id: String?) { if let id { tasks.start(id) } }
    func finishTask(_ id: String?) { if let id { tasks.finish(id) } }

    /// The `/internal/pending-tasks` body.
    var pendingTasksJSON: JSONValue { tasks.pendingJSON }

    func update(steps: Int) { stage.update(steps: steps) }

    /// A sampler callback for step `step` of `steps`, storing the latent a preview decodes from.
    func step(_ step: Int, of steps: Int, latent: LivePreview.Latent) {
        stage.step(step, of: steps)
        preview.store(latent)
    }

    func nextJob() {
        preview.decode(step: stage.samplingStep, steps: stage.samplingSteps)
        stage.nextJob()
    }

    func interrupt() { stage.interrupt() }
    func skip() { stage.skip() }
    func consumeSkip() { stage.consumeSkip() }

    private func record(_ entry: HistoryEntry) {
        history.append(entry)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
    }

    // MARK: Options and model

    func setOption(_ key: String, to value: JSONValue) -> Bool { options.set(key, to: value) }

    func setLoadedModel(_ model: CheckpointInfo) {
        loadedModel = model
        schedulerClass = nil
        options.assign("sd_model_checkpoint", to: .string(model.title))
    }

    /// `unload-checkpoint`: the weights go, `sd_model_checkpoint` keeps naming them, so a
    /// `reload-checkpoint` brings the same model back.
    func unloadModel() { loadedModel = nil }

    /// A generation installs its sampler's scheduler on the pipeline, as SD.Next does.
    func useSampler(_ name: String?) { schedulerClass = name.flatMap(ModelCatalog.schedulerClass(forSampler:)) }

    /// The checkpoint `sd_model_checkpoint` names (`select_checkpoint`), which `reload-checkpoint` loads.
    var selectedModel: CheckpointInfo? { catalogue.select(options.values["sd_model_checkpoint"]?.stringValue) }

    func setModelLocked(_ locked: Bool) { modelLocked = locked }
    func setLoadedLoRAs(_ loras: [LoRAInfo]) { loadedLoRAs = loras }

    /// `setattr(opts, key, value)`: stores a value without SD.Next's change check or callbacks.
    func assignOption(_ key: String, to value: JSONValue) { options.assign(key, to: value) }

    // MARK: Snapshots (called by routes)

    /// The `/sdapi/v1/progress` body: SD.Next's `id` (a string on legacy SD.Next); A1111 has no `id` but
    /// `current_task`, which is always null there (its API imports the module variable's initial `None`).
    func progressJSON(skipCurrentImage: Bool) -> JSONValue {
        let reading = stage.progressReading(now: now)
        var currentImage: JSONValue = .null
        if !reading.idle, preview.decode(step: stage.samplingStep, steps: stage.samplingSteps), !skipCurrentImage,
            let image = preview.image
        {
            currentImage = .string(ImageCodec.base64(ImageCodec.encode(image, as: options.samplesFormat)))
        }
        switch flavor.progressModel {
        case .perStage, .cumulative:
            let id = flavor.progressModel == .perStage ? stage.id.json : stage.id.legacyJSON
            return .object([
                "id": id, "progress": .double(reading.progress), "eta_relative": .double(reading.etaRelative),
                "state": stage.json, "current_image": currentImage, "textinfo": .null,
            ])
        case .a1111:
            return .object([
                "progress": .double(reading.progress), "eta_relative": .double(reading.etaRelative), "state": stage.json,
                "current_image": currentImage, "textinfo": .null, "current_task": .null,
            ])
        }
    }

    /// The `/sdapi/v1/status` body.
    func statusJSON() -> JSONValue {
        let time = now
        let reading = stage.statusReading(now: time)
        return .object([
            "status": .string(reading.status), "task": .string(stage.job),
            "timestamp": stage.job.isEmpty ? .null : .string(stage.jobTimestamp), "current": "",
            "id": stage.id.json, "job": .int(reading.job), "jobs": .int(reading.jobs), "total": .int(stage.totalJobs),
            "step": .int(reading.step), "steps": .int(reading.steps), "queued": 0,
            "uptime": .int(Int((time - serverStart).rounded())), "elapsed": .double(reading.elapsed),
            "eta": .double(reading.eta), "progress": .double(reading.progress),
        ])
    }

    /// The `/internal/progress` body for a request naming `idTask` and `idLivePreview`.
    func internalProgressJSON(idTask: String?, idLivePreview: Int) -> JSONValue {
        if flavor.tracksTasks { return a1111InternalProgressJSON(idTask: idTask, idLivePreview: idLivePreview) }
        let reading = stage.internalProgressReading(now: now)
        let active = idTask == nil || (idTask == "undefined" && !stage.job.isEmpty)
        var livePreview: JSONValue = .null
        if active, idLivePreview != -1, !stage.api,
            preview.decode(step: stage.samplingStep, steps: stage.samplingSteps), let image = preview.image
        {
            livePreview = .string("data:image/jpeg;base64," + ImageCodec.base64(ImageCodec.encode(image, as: .jpg, quality: 60)))
        }
        return .object([
            "job": .string(stage.job), "textinfo": active ? .null : "Waiting...", "active": .bool(active),
            "queued": false, "paused": .bool(stage.paused), "completed": false, "debug": false,
            "step": .int(reading.step), "steps": .int(reading.steps), "batch_no": 0, "batch_count": 0,
            "progress": .double(reading.progress), "eta": .double(reading.eta), "live_preview": livePreview,
            "id_live_preview": .int(preview.counter),
        ])
    }

    /// A1111's `/internal/progress`: only the task holding the lock is active; others are queued (with their
    /// place), completed or unknown. Previews are PNG data URIs (`live_previews_image_format` default).
    private func a1111InternalProgressJSON(idTask: String?, idLivePreview: Int) -> JSONValue {
        let active = idTask == tasks.current
        let queued = idTask.map(tasks.pending.contains) ?? false
        let completed = idTask.map(tasks.finished.contains) ?? false
        guard active else {
            let place = idTask.flatMap(tasks.pending.firstIndex(of:)).map { "In queue: \($0 + 1)/\(tasks.pending.count)" }
            return .object([
                "active": false, "queued": .bool(queued), "completed": .bool(completed), "progress": .null, "eta": .null,
                "live_preview": .null, "id_live_preview": -1, "textinfo": .string(place ?? "Waiting..."),
            ])
        }
        let reading = stage.a1111InternalProgress(now: now)
        var livePreview: JSONValue = .null
        var previewID = idLivePreview
        if preview.decode(step: stage.samplingStep, steps: stage.samplingSteps), preview.counter != idLivePreview,
            let image = preview.image
        {
            livePreview = .string("data:image/png;base64," + ImageCodec.base64(ImageCodec.encode(image, as: .png)))
            previewID = preview.counter
        }
        return .object([
            "active": true, "queued": .bool(queued), "completed": .bool(completed), "progress": .double(reading.progress),
            "eta": .double(reading.eta), "live_preview": livePreview, "id_live_preview": .int(previewID), "textinfo": .null,
        ])
    }

    /// The `/sdapi/v1/history` body, optionally only entries with stage id `id`.
    func historyJSON(id: String?) -> JSONValue {
        let entries = id.map { wanted in history.filter { $0.id == wanted } } ?? history
        return .array(entries.map(\.json))
    }

    // MARK: Helpers

    /// 15 lowercase hex digits, like `uuid.uuid4().hex[:15]`.
    static func makeStageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<15).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// `YYYYMMDDhhmmss` in local time, SD.Next's `job_timestamp`.
    static func jobTimestamp(_ epoch: Double) -> String {
        var seconds = time_t(epoch)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d%02d%02d%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
    }
}
