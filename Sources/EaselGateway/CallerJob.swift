import EaselCore
import Foundation

/// A caller's job as the per-caller progress routes read it: the stored job and, while it runs, its latest
/// progress from the event bus (previews included when someone asked for them).
struct CallerJob {
    let job: Job
    /// The latest progress the job published (its last one once it ended, as SD.Next keeps the last step counts).
    let progress: JobProgressState?
    /// The bus's sequence number of that progress: a new number means a new preview.
    let progressSeq: Int

    /// SD.Next's name for the stage the job is in (what `state.job` says): `Load model`, `Inference` while it
    /// samples, else the route's outer stage.
    var stageName: String {
        if job.status == .queued { return "Queued" }
        if progress?.loadingModel == true { return "Load model" }
        if job.status == .processing, step > 0 { return "Inference" }
        return routeStage
    }

    /// The outer stage of the job's route.
    var routeStage: String {
        switch job.parameters.kind {
        case .txt2img: return "API-TXT"
        case .img2img: return "API-IMG"
        case .control: return "API-CTL"
        }
    }

    var isActive: Bool { !job.status.isTerminal }
    var fraction: Double { job.status == .completed ? 1 : progress?.fraction ?? 0 }
    var step: Int { progress?.currentStep ?? 0 }
    /// Seconds left, while the job has not ended.
    var eta: Double? { isActive ? progress?.etaSeconds : nil }
    var steps: Int { progress?.totalSteps ?? 0 }

    /// `YYYYMMDDhhmmss` in local time, as SD.Next writes `job_timestamp`.
    var timestamp: String {
        let parts = Calendar.current.dateComponents([.year, .month, .day, .hour, .minute, .second], from: job.startedAt ?? job.createdAt)
        let fields = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map { $0 ?? 0 }
        return String(format: "%04d%02d%02d%02d%02d%02d", fields[0], fields[1], fields[2], fields[3], fields[4], fields[5])
    }
}

extension SDNextGateway {
    /// The caller's newest job, or the one an A1111 client named.
    func callerJob(_ caller: Caller, taskID: String? = nil) async throws -> CallerJob? {
        let id: JobID? = if let taskID { callers.job(of: caller, taskID: taskID) } else { callers.jobs(of: caller).first }
        guard let id, let job = try await service.store.job(id) else { return nil }
        let latest = service.events.history(of: id)?.latestProgress
        guard case .progress(let progress)? = latest?.kind else { return CallerJob(job: job, progress: nil, progressSeq: 0) }
        return CallerJob(job: job, progress: progress, progressSeq: latest?.seq ?? 0)
    }

    /// The caller's newest job that has not ended: the one interrupt and skip act on.
    func runningJob(of caller: Caller) async throws -> Job? {
        for id in callers.jobs(of: caller) {
            if let job = try await service.store.job(id), !job.status.isTerminal { return job }
        }
        return nil
    }
}
