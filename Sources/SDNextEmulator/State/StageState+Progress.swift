/// The numbers `/sdapi/v1/progress` reports for one poll.
struct ProgressReading: Sendable, Equatable {
    /// True when the idle short-circuit applied (`job_count == 0 && sampling_step == 0`).
    var idle: Bool
    /// Per-stage progress, 0...1, rounded to 2 decimals.
    var progress: Double
    /// Seconds remaining, from the current stage's start, rounded to 2 decimals.
    var etaRelative: Double
}

/// The numbers `/sdapi/v1/status` reports.
struct StatusReading: Sendable, Equatable {
    var status: String
    var step: Int
    var steps: Int
    var job: Int
    var jobs: Int
    var progress: Double
    var elapsed: Double?
    var eta: Double?
}

/// The numbers `/internal/progress` reports.
struct InternalProgressReading: Sendable, Equatable {
    var step: Int
    var steps: Int
    var progress: Double
    var eta: Double?
}

/// Python's `round(x, 2)` for the values SD.Next reports (half-to-even on the decimal value).
func roundTo2(_ value: Double) -> Double {
    (value * 100).rounded(.toNearestOrEven) / 100
}

extension StageState {
    /// Computes a `/progress` reading at `now` (epoch seconds), exactly as `get_progress` does.
    ///
    /// Mutating: when a sampler reports more steps than announced, SD.Next grows `sampling_steps`
    /// by its previous value until the step fits, and that change persists.
    /// Legacy SD.Next's idle test was `job_count == 0` alone (the step test came in 2026-04-02);
    /// A1111 has its own formula (`a1111ProgressReading`).
    mutating func progressReading(now: Double) -> ProgressReading {
        if flavor.progressModel == .a1111 { return a1111ProgressReading(now: now) }
        if jobCount == 0 && (samplingStep == 0 || flavor.progressModel == .cumulative) {
            return ProgressReading(idle: true, progress: 0, etaRelative: 0)
        }
        let batchDone = max(jobNo, 0)
        let batchTotal = max(jobCount, 1)
        let step = max(samplingStep, 0)
        let previousSteps = max(samplingSteps, 1)
        while step > samplingSteps { samplingSteps += previousSteps }
        let steps = max(samplingSteps, 1)
        let current = steps * batchDone + step
        let total = steps * batchTotal
        let progress = min(current > 0 && total > 0 ? Double(current) / Double(total) : 0, 1)
        let elapsed = now - (timeStart ?? now)
        let eta = progress > 0 ? elapsed / progress - elapsed : 0
        return ProgressReading(idle: false, progress: roundTo2(progress), etaRelative: roundTo2(eta))
    }

    /// A1111's `progressapi`: `0.01 + job_no/job_count + (1/job_count)·(step/steps)`, capped at 1 and not
    /// rounded; the ETA uses the uncapped value. Idle means `job_count == 0`.
    func a1111ProgressReading(now: Double) -> ProgressReading {
        guard jobCount != 0 else { return ProgressReading(idle: true, progress: 0, etaRelative: 0) }
        var progress = 0.01
        if jobCount > 0 { progress += Double(jobNo) / Double(jobCount) }
        if samplingSteps > 0 { progress += 1 / Double(jobCount) * Double(samplingStep) / Double(samplingSteps) }
        let elapsed = now - (timeStart ?? now)
        return ProgressReading(idle: false, progress: min(progress, 1), etaRelative: elapsed / progress - elapsed)
    }

    /// A1111's `/internal/progress` for the active task: no 0.01 offset, nil ETA before any progress.
    func a1111InternalProgress(now: Double) -> (progress: Double, eta: Double?) {
        var progress = 0.0
        if jobCount > 0 { progress += Double(jobNo) / Double(jobCount) }
        if samplingSteps > 0 && jobCount > 0 {
            progress += 1 / Double(jobCount) * Double(samplingStep) / Double(samplingSteps)
        }
        progress = min(progress, 1)
        let elapsed = now - (timeStart ?? now)
        return (progress, progress > 0 ? elapsed / progress - elapsed : nil)
    }

    /// Computes a `/status` reading, with SD.Next's precedence paused → interrupted → skipped → running/idle.
    func statusReading(now: Double) -> StatusReading {
        let jobIndex = max(jobNo, 0)
        let jobs = max(jobCount, jobNo)
        let step = samplingSteps * jobIndex + samplingStep
        let steps = samplingSteps * jobs
        let progress = roundTo2(min(1, steps > 0 ? abs(Double(step) / Double(steps)) : 0))
        let elapsed = timeStart.map { roundTo2(now - $0) }
        var eta: Double?
        if progress > 0, let elapsed {
            eta = roundTo2(roundTo2(elapsed / progress) - elapsed)
        }
        let status =
            if paused { "paused" } else if interrupted { "interrupted" } else if skipped { "skipped" } else if !job.isEmpty {
                "running"
            } else { "idle" }
        return StatusReading(
            status: status, step: step, steps: steps, job: jobIndex, jobs: jobs, progress: progress, elapsed: elapsed, eta: eta)
    }

    /// Computes an `/internal/progress` reading (batch fields are always 0 for API work).
    func internalProgressReading(now: Double) -> InternalProgressReading {
        let step = max(samplingStep, 0)
        let steps = max(samplingSteps, 1)
        let current = step > 0 ? Double(step) / Double(steps) : 0
        let progress = roundTo2(min(1, current))
        let elapsed = timeStart.map { now - $0 } ?? 0
        let eta = progress > 0 ? elapsed / progress - elapsed : nil
        return InternalProgressReading(step: step, steps: steps, progress: progress, eta: eta)
    }
}
