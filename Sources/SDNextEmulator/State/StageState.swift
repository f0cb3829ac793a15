/// SD.Next's process-wide progress state (`modules/shared_state.State`), reduced to the fields the
/// API exposes, as a pure value type.
///
/// Since release 2025-09-15 every processing stage calls `begin()`, which resets the whole state,
/// and `end()` blanks the job. Progress is therefore per stage, not per request (reference §2.3).
/// Keeping the rules here, free of I/O and clocks, lets tests replay exact call orders; callers
/// pass in ids, timestamps and the current time.
///
/// The generation worker always reports SD.Next's current stage sequence; `flavor` decides what the
/// state makes of it. Legacy SD.Next and A1111 only act on the outermost `begin`/`end` of a request
/// and count passes and steps across the whole request (`Flavor.ProgressModel`).
struct StageState: Sendable, Equatable {
    /// `id` as SD.Next reports it: `0` before the first job, a 15-hex stage id, or `""`.
    enum StageID: Sendable, Equatable {
        case initial
        case none
        case stage(String)

        var json: JSONValue {
            switch self {
            case .initial: .int(0)
            case .none: .string("")
            case .stage(let id): .string(id)
            }
        }

        /// The id as legacy SD.Next's pydantic v1 model coerced it: always a string.
        var legacyJSON: JSONValue {
            self == .initial ? .string("0") : json
        }

        /// The id as `/history` records it.
        var text: String {
            switch self {
            case .initial: "0"
            case .none: ""
            case .stage(let id): id
            }
        }
    }

    private(set) var id: StageID = .initial
    private(set) var job = ""
    private(set) var jobCount = 0
    private(set) var jobNo = 0
    var samplingStep = 0
    var samplingSteps = 0
    /// `YYYYMMDDhhmmss` of the current stage's start; `"0"` before the first job.
    private(set) var jobTimestamp = "0"
    /// Epoch seconds of the last `begin()` or `end()`; nil before the first job.
    private(set) var timeStart: Double?
    private(set) var interrupted = false
    private(set) var skipped = false
    private(set) var paused = false
    /// Number of `begin()` calls since start (`/status` `total`).
    private(set) var totalJobs = 0
    /// True only during a stage begun with `api: true` (the outer `API-*` stage).
    private(set) var api = false

    let flavor: Flavor
    /// Open `begin()` calls of the current request (the per-request models act on the outermost only).
    private var depth = 0
    /// The legacy base-pass job name (`Text`, `Image`) of the current request.
    private var passJob = ""
    /// A hires pass began and its steps are not announced yet (legacy: its first step announces them).
    private var pendingHiresPass = false
    /// A1111: iterations of the request (`n_iter`) and whether each has a hires pass; see `announce`.
    private var iterations = 1
    private var hiresPasses = false
    private var iterationsBegun = 0

    init(flavor: Flavor = .sdnext) {
        self.flavor = flavor
    }

    /// What the next request will run, which A1111's `process_images` knows before its first pass.
    mutating func announce(iterations: Int, hires: Bool) {
        self.iterations = max(iterations, 1)
        hiresPasses = hires
    }

    /// `begin(title)`: true when the state really began a stage (and `/history` records it).
    @discardableResult
    mutating func begin(_ title: String, id: String, timestamp: String, now: Double, api: Bool = false) -> Bool {
        guard flavor.progressModel != .perStage else {
            beginStage(title, id: id, timestamp: timestamp, now: now, api: api)
            return true
        }
        if api { depth = 0 }
        depth += 1
        guard depth == 1 else {
            if title == "Hires" {
                // Both finish the base pass before the hires pass starts.
                nextJob()
                pendingHiresPass = true
            }
            return false
        }
        beginStage(flavor.requestJob(outerStage: title), id: id, timestamp: timestamp, now: now, api: api)
        passJob = flavor.passJob(outerStage: title)
        iterationsBegun = 0
        pendingHiresPass = false
        if flavor.progressModel == .a1111 { jobCount = -1 }
        return true
    }

    private mutating func beginStage(_ title: String, id: String, timestamp: String, now: Double, api: Bool) {
        clear()
        interrupted = title.hasPrefix("Save") ? interrupted : false
        skipped = false
        totalJobs += 1
        self.id = .stage(id)
        job = title
        jobCount = 1
        jobTimestamp = timestamp
        samplingStep = 0
        samplingSteps = 0
        self.api = api
        timeStart = now
    }

    /// Ends the current stage: blanks id and job, keeps steps and (except on legacy SD.Next, whose
    /// `end()` cleared them) the interrupt/skip flags. True when a stage really ended.
    @discardableResult
    mutating func end(now: Double) -> Bool {
        if flavor.progressModel != .perStage {
            depth = max(depth - 1, 0)
            guard depth == 0 else { return false }
            if flavor.progressModel == .cumulative {
                interrupted = false
                skipped = false
            }
        }
        timeStart = now
        clear()
        return true
    }

    private mutating func clear() {
        id = .none
        job = ""
        jobCount = 0
        jobNo = 0
        paused = false
    }

    /// `state.update(job, steps, jobs)`: announces a base pass. SD.Next adds to `sampling_steps` and
    /// `job_count` (legacy SD.Next also names the job); A1111 sets its job count once and names each batch.
    mutating func update(steps: Int, jobs: Int = 1) {
        switch flavor.progressModel {
        case .perStage:
            samplingSteps += steps * jobs
            jobCount += jobs
        case .cumulative:
            job = passJob
            samplingSteps += steps * jobs
            jobCount += jobs
        case .a1111:
            if jobCount == -1 { jobCount = iterations * (hiresPasses ? 2 : 1) }
            iterationsBegun += 1
            if iterations > 1 { job = "Batch \(iterationsBegun) out of \(iterations)" }
        }
    }

    /// A sampler callback: step `step` (1-based) of `steps` is done.
    mutating func step(_ step: Int, of steps: Int) {
        switch flavor.progressModel {
        case .perStage:
            samplingSteps = steps
            samplingStep = step
        case .cumulative:
            if pendingHiresPass {
                pendingHiresPass = false
                job = "Hires"
                samplingSteps += steps
                jobCount += 1
            }
            samplingStep += 1
        case .a1111:
            // k-diffusion's callback reports the 0-based index of the step just taken.
            samplingSteps = steps
            samplingStep = step - 1
        }
    }

    /// `state.nextjob()`: moves to the next job of the batch; SD.Next keeps the steps, A1111 resets the step.
    mutating func nextJob() {
        jobNo += 1
        if flavor.progressModel == .a1111 { samplingStep = 0 }
    }

    mutating func interrupt() { interrupted = true }
    mutating func skip() { skipped = true }

    /// Clears the skip flag at the top of the iteration it skips.
    mutating func consumeSkip() { skipped = false }

    /// The `state` object embedded in `/sdapi/v1/progress` (A1111 adds `stopping_generation`).
    var json: JSONValue {
        var object: JSONObject = [
            "skipped": .bool(skipped),
            "interrupted": .bool(interrupted),
            "job": .string(job),
            "job_count": .int(jobCount),
            "job_timestamp": .string(jobTimestamp),
            "job_no": .int(jobNo),
            "sampling_step": .int(samplingStep),
            "sampling_steps": .int(samplingSteps),
        ]
        if flavor.progressModel == .a1111 {
            object = [
                "skipped": .bool(skipped), "interrupted": .bool(interrupted), "stopping_generation": false,
                "job": .string(job), "job_count": .int(jobCount), "job_timestamp": .string(jobTimestamp),
                "job_no": .int(jobNo), "sampling_step": .int(samplingStep), "sampling_steps": .int(samplingSteps),
            ]
        }
        return .object(object)
    }
}
