import EaselCore
import EaselProtocol

/// What a watcher knows about one job, folded from its socket messages.
public struct JobProgressRow: Sendable, Equatable {
    public let jobID: JobID
    public var status: JobStatus = .queued
    /// 0...1, never decreasing.
    public var fraction: Double = 0
    public var currentStep: Int?
    public var totalSteps: Int?
    public var etaSeconds: Double?
    public var errorMessage: String?
    public var prompt: String?
    /// Image URL paths (or base64 text) from `generation_complete`.
    public var images: [String] = []
    /// True once `generation_complete` arrived (it carries the images); later messages cannot change the row.
    public var isFinished = false

    public init(jobID: JobID) {
        self.jobID = jobID
    }
}

/// The state behind `easel watch`: one row per job, updated from server messages. A pure state machine, so
/// replays after a reconnect (the subscribe snapshot) and out-of-order updates are tested without a socket.
public struct ProgressBoard: Sendable, Equatable {
    /// Which jobs the board follows.
    public enum Scope: Sendable, Equatable {
        /// These jobs; the board is done when all of them have finished.
        case jobs([JobID])
        /// Every job the server reports, as it appears; never done.
        case allJobs
    }

    public let scope: Scope
    /// Rows in the order their jobs first appeared.
    public private(set) var rows: [JobProgressRow]

    public init(scope: Scope) {
        self.scope = scope
        if case .jobs(let ids) = scope {
            var unique: [JobID] = []
            for id in ids where !unique.contains(id) { unique.append(id) }
            rows = unique.map(JobProgressRow.init)
        } else {
            rows = []
        }
    }

    /// The subscription that feeds this board.
    public var selection: JobSelection {
        switch scope {
        case .jobs(let ids): .jobs(ids)
        case .allJobs: .allJobs
        }
    }

    /// True when every followed job has finished (never for `.allJobs`).
    public var isDone: Bool {
        guard case .jobs = scope else { return false }
        return rows.allSatisfy(\.isFinished)
    }

    /// Finished rows that did not complete: the jobs that make a watch exit non-zero.
    public var unsuccessful: [JobProgressRow] {
        rows.filter { $0.isFinished && $0.status != .completed }
    }

    /// Folds one message in; returns the job whose row changed, or nil when nothing visible changed.
    @discardableResult
    public mutating func apply(_ message: ServerMessage) -> JobID? {
        guard case .job(let event) = message else { return nil }
        guard let index = rowIndex(for: event.jobID) else { return nil }
        var row = rows[index]
        switch event.kind {
        case .started(let parameters):
            row.prompt = parameters.prompt
            row.totalSteps = row.totalSteps ?? parameters.steps
        case .progress(let progress):
            guard !row.isFinished, !row.status.isTerminal else { return nil }
            row.status = progress.status
            row.fraction = max(row.fraction, min(1, max(0, progress.fraction)))
            if let step = progress.currentStep { row.currentStep = max(row.currentStep ?? 0, step) }
            row.totalSteps = progress.totalSteps ?? row.totalSteps
            row.etaSeconds = progress.etaSeconds
            row.errorMessage = progress.errorMessage ?? row.errorMessage
            if progress.status == .completed { row.fraction = 1 }
        case .completed(let completion):
            guard !row.isFinished else { return nil }
            row.images = completion.images
            row.errorMessage = completion.errorMessage ?? row.errorMessage
            finish(&row, status: completion.status)
        }
        guard row != rows[index] else { return nil }
        rows[index] = row
        return row.jobID
    }

    private func finish(_ row: inout JobProgressRow, status: JobStatus) {
        row.isFinished = true
        row.status = status
        row.etaSeconds = nil
        if status == .completed {
            row.fraction = 1
            if let total = row.totalSteps { row.currentStep = total }
        }
    }

    private mutating func rowIndex(for id: JobID) -> Int? {
        if let index = rows.firstIndex(where: { $0.jobID == id }) { return index }
        guard case .allJobs = scope else { return nil }
        rows.append(JobProgressRow(jobID: id))
        return rows.count - 1
    }
}
