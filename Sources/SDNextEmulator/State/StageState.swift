/// SD.Next's process-wide progress state (`modules/shared_state.State`), reduced to the fields the
/// API exposes, as a pure value type.
///
/// Since release 2025-09-15 every processing stage calls `begin()`, which resets the whole state,
/// and `end()` blanks the job. Progress is therefore per stage, not per request (reference §2.3).
/// Keeping the rules here, free of I/O and clocks, lets tests replay exact call orders; callers
/// pass in ids, timestamps and the current time.
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

    init() {}

    /// Starts a stage: resets everything except `totalJobs`, keeps `interrupted` only for `Save*` stages.
    mutating func begin(_ title: String, id: String, timestamp: String, now: Double, api: Bool = false) {
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

    /// Ends the current stage: blanks id and job, keeps steps and the interrupt/skip flags.
    mutating func end(now: Double) {
        timeStart = now
        clear()
    }

    private mutating func clear() {
        id = .none
        job = ""
        jobCount = 0
        jobNo = 0
        paused = false
    }

    /// `state.update(job, steps, jobs)`: announces work, adding to `sampling_steps` and `job_count`.
    mutating func update(steps: Int, jobs: Int = 1) {
        samplingSteps += steps * jobs
        jobCount += jobs
    }

    /// A sampler callback: records step `step` of `steps`.
    mutating func step(_ step: Int, of steps: Int) {
        samplingSteps = steps
        samplingStep = step
    }

    /// `state.nextjob()`: moves to the next job of the batch; steps stay as they were.
    mutating func nextJob() {
        jobNo += 1
    }

    mutating func interrupt() { interrupted = true }
    mutating func skip() { skipped = true }

    /// Clears the skip flag at the top of the iteration it skips.
    mutating func consumeSkip() { skipped = false }

    /// The `state` object embedded in `/sdapi/v1/progress`.
    var json: JSONValue {
        let object: JSONObject = [
            "skipped": .bool(skipped),
            "interrupted": .bool(interrupted),
            "job": .string(job),
            "job_count": .int(jobCount),
            "job_timestamp": .string(jobTimestamp),
            "job_no": .int(jobNo),
            "sampling_step": .int(samplingStep),
            "sampling_steps": .int(samplingSteps),
        ]
        return .object(object)
    }
}
