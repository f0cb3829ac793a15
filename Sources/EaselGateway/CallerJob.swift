import EaselCore
import Foundation

/// A caller's job as the per-caller progress routes read it: the stored job and, while it runs, its latest
/// progress from the event bus (previews included when someone asked for them).
struct CallerJob {
    let job: Job
    let progress: JobProgressState?
    /// The bus's sequence number of that progress: a new number means a new preview.
    let progressSeq: Int

    /// SD.Next's name for the stage a job of this kind runs in (what `state.job` says during a generation).
    var stageName: String {
        if job.status == .queued { return "Queued" }
        if progress?.loadingModel == true { return "Load model" }
        switch job.parameters.kind {
        case .txt2img: return "API-TXT"
        case .img2img: return "API-IMG"
        case .control: return "API-CTL"
        }
    }

    var isActive: Bool { !job.status.isTerminal }
    var fraction: Double { job.status == .completed ? 1 : progress?.fraction ?? 0 }
    var step: Int { progress?.currentStep ?? 0 }
    var steps: Int { progress?.totalSteps ?? 0 }

    /// `YYYYMMDDhhmmss` in local time, as SD.Next writes `job_timestamp`.
    var timestamp: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMddHHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: job.startedAt ?? job.createdAt)
    }
}

extension SDNextGateway {
    /// The caller's newest job, or the one an A1111 client named.
    func callerJob(_ caller: Caller, taskID: String? = nil) async throws -> CallerJob? {
        let id: JobID? = if let taskID { callers.job(of: caller, taskID: taskID) } else { callers.jobs(of: caller).first }
        guard let id, let job = try await service.store.job(id) else { return nil }
        let history = service.events.history(of: id)
        return CallerJob(job: job, progress: history?.progress, progressSeq: history?.latestProgress?.seq ?? 0)
    }

    /// The caller's newest job that has not ended: the one interrupt and skip act on.
    func runningJob(of caller: Caller) async throws -> Job? {
        for id in callers.jobs(of: caller) {
            if let job = try await service.store.job(id), !job.status.isTerminal { return job }
        }
        return nil
    }
}
