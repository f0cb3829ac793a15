import EaselCore
import Foundation

extension GenerationService {
    /// One job of a batch, as its submit body gave it.
    public struct Submission: Sendable {
        public var parameters: GenerationParameters
        public var returnFormat: ReturnFormat
        public var priority: Int
        public var requirements: JobRequirements
        public var callbackURL: String?
        /// Why it may wait (the message of its first `progress_update`).
        public var note: String?
        /// The run time an attempt may take (`Job.timeoutSeconds`).
        public var timeoutSeconds: Double?

        public init(
            parameters: GenerationParameters, returnFormat: ReturnFormat, priority: Int = 0, requirements: JobRequirements = .none,
            callbackURL: String? = nil, note: String? = nil, timeoutSeconds: Double? = nil
        ) {
            self.parameters = parameters
            self.returnFormat = returnFormat
            self.priority = priority
            self.requirements = requirements
            self.callbackURL = callbackURL
            self.note = note
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// Queues every job of a batch or none: each is validated (a problem names its field as `jobs.<index>.<field>`),
    /// their input images kept, then all are stored in one transaction, announced and dispatched. Jobs of one batch
    /// run in the order given (their queue order keys are a microsecond apart). `stored` is told the jobs once they
    /// are stored and before they are announced, so a follower of the batch misses none of their events.
    public func submitBatch(
        _ submissions: [Submission], as batch: BatchID = .make(), stored: ([Job]) -> Void = { _ in }
    ) async throws -> [Job] {
        var problems: [ParameterError] = []
        for (index, submission) in submissions.enumerated() {
            problems += submission.parameters.problems(under: limits, requiringPrompt: true).map {
                ParameterError(field: "jobs.\(index).\($0.field)", message: $0.message)
            }
        }
        guard problems.isEmpty else { throw InvalidParameters(problems: problems) }
        let now = Date()
        var jobs: [Job] = []
        jobs.reserveCapacity(submissions.count)
        do {
            for (index, submission) in submissions.enumerated() {
                let id = JobID.make()
                let kept = try inputs.keep(submission.parameters, for: id, limits: limits)
                jobs.append(Job(
                    id: id, parameters: kept, requirements: submission.requirements, returnFormat: submission.returnFormat,
                    priority: submission.priority, createdAt: now, callbackURL: submission.callbackURL,
                    timeoutSeconds: submission.timeoutSeconds, batchID: batch,
                    queueOrder: now.timeIntervalSince1970 + Double(index) * 1e-6))
            }
            try await store.insertBatch(jobs)
        } catch {
            for job in jobs { try? inputs.delete(of: job.id) }
            throw error
        }
        stored(jobs)
        metrics.jobsSubmitted.increment(by: jobs.count)
        for (job, submission) in zip(jobs, submissions) {
            events.publish(.started(presenter.parameters(of: job)), for: job.id)
            if let note = submission.note {
                events.publish(.progress(JobProgressState(status: .queued, fraction: 0, errorMessage: note)), for: job.id)
            }
        }
        dispatch.jobsArrived()
        return jobs
    }

    /// What cancelling a batch did.
    public struct BatchCancel: Sendable, Equatable {
        /// Queued jobs that ended as cancelled.
        public var cancelled: [JobID] = []
        /// Running jobs being interrupted (a `cancelled` completion follows).
        public var cancelling: [JobID] = []
    }

    /// Cancels every job of the batch that is still queued or running (each through `cancel`, so each ends as
    /// any cancelled job does). nil when no job carries the id.
    public func cancelBatch(_ id: BatchID) async throws -> BatchCancel? {
        guard try await store.batchCounts(id).total > 0 else { return nil }
        return try await cancel(try await store.activeBatchJobIDs(id))
    }

    /// Cancels the jobs named; those that already ended are left as they are.
    public func cancel(_ ids: [JobID]) async throws -> BatchCancel {
        var outcome = BatchCancel()
        for jobID in ids {
            switch try await cancel(jobID) {
            case .cancelled: outcome.cancelled.append(jobID)
            case .cancelling: outcome.cancelling.append(jobID)
            case .notFound, .notCancellable: break
            }
        }
        return outcome
    }

    /// Gives queued jobs another priority: every job is checked first (nothing changes when one is unknown or not
    /// queued, `QueueRequestError`), then each is changed with a conditional write (a job claimed in between is reported).
    public func reprioritize(_ ids: [JobID], to priority: Int) async throws -> [Job] {
        for jobID in ids {
            try Self.refusal(of: try await store.job(jobID).map(QueueEdit.changed) ?? .unknownJob(jobID)) { _ in "job_ids" }
        }
        var changed: [Job] = []
        for jobID in ids { changed.append(try Self.refusal(of: try await store.setPriority(jobID, to: priority)) { _ in "job_ids" }) }
        return changed
    }

    /// Moves a queued job to `place` in claim order (see `QueuePlace`).
    public func move(_ id: JobID, to place: QueuePlace) async throws -> Job {
        try Self.refusal(of: try await store.move(id, to: place)) { $0 == id ? "job_id" : "to.before" }
    }

    /// The job an edit changed, or its refusal thrown, naming the request field (`field`) that named the job. A job
    /// read before editing counts as changed when queued.
    @discardableResult
    private static func refusal(of edit: QueueEdit, field: (JobID) -> String) throws -> Job {
        switch edit {
        case .changed(let job) where job.status == .queued:
            return job
        case .changed(let job):
            throw QueueRequestError(
                .jobNotQueued, "Job \(job.id) is \(job.status.rawValue); only a queued job can be reordered", field: field(job.id))
        case .notQueued(let id, let status):
            throw QueueRequestError(
                .jobNotQueued, "Job \(id) is \(status.rawValue); only a queued job can be reordered", field: field(id))
        case .unknownJob(let id):
            throw QueueRequestError(.unknownJob, "No such job: \(id)", field: field(id))
        }
    }
}
