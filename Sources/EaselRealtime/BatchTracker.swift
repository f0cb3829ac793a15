import EaselCore
import EaselProtocol
import Foundation

/// One batch's progress as a pure value: fed with its jobs' events, it keeps the counts and the running jobs'
/// fractions, and decides when a `batch_progress` is due (on a change, at most once per `interval`) and when the
/// one `batch_complete` is. Starts from the store's counts, so a batch followed after a restart counts right.
public struct BatchTracker: Sendable {
    public let batchID: BatchID
    public let interval: Double
    private var counts: BatchCounts
    private var running: [JobID: Double] = [:]
    private var ended: Set<JobID> = []
    private var changed = true
    private var lastSent: Double?
    private var completeSent = false
    /// When tracking began and how many jobs had ended then: the ETA is the rate of endings since.
    private let start: Double
    private let endedAtStart: Int

    public init(batchID: BatchID, counts: BatchCounts, now: Double, interval: Double = 0.25) {
        self.batchID = batchID
        self.counts = counts
        self.interval = interval
        self.start = now
        self.endedAtStart = counts.ended
    }

    public var isComplete: Bool { counts.total > 0 && counts.ended >= counts.total }

    /// Takes one of the batch's job events.
    public mutating func apply(_ event: JobEvent) {
        switch event.kind {
        case .started:
            break
        case .progress(let progress):
            guard !ended.contains(event.jobID), progress.status == .processing else { return }
            if running[event.jobID] == nil { move(from: .queued, to: .processing) }
            if running[event.jobID] != progress.fraction {
                running[event.jobID] = progress.fraction
                changed = true
            }
        case .completed(let completion):
            guard ended.insert(event.jobID).inserted else { return }
            let from: JobStatus = running.removeValue(forKey: event.jobID) != nil || counts[.queued] == 0 ? .processing : .queued
            move(from: from, to: completion.status)
        }
    }

    private mutating func move(from: JobStatus, to: JobStatus) {
        var byStatus = counts.byStatus
        if (byStatus[from] ?? 0) > 0 { byStatus[from, default: 0] -= 1 }
        byStatus[to, default: 0] += 1
        counts = BatchCounts(byStatus)
        changed = true
    }

    /// The report due at `now`, if any: `batch_complete` once every job ended, else `batch_progress` after a change
    /// when `interval` has passed since the last one.
    public mutating func due(at now: Double) -> BatchReport? {
        guard !completeSent, changed else { return nil }
        if !isComplete, let lastSent, now - lastSent < interval { return nil }
        changed = false
        lastSent = now
        completeSent = isComplete
        return report(at: now)
    }

    public func report(at now: Double) -> BatchReport {
        let total = max(counts.total, 1)
        let work = Double(counts.ended) + running.values.reduce(0, +)
        let endedSince = counts.ended - endedAtStart
        let eta: Double? = isComplete ? 0 : endedSince > 0 && now > start
            ? (Double(counts.total) - work) / (Double(endedSince) / (now - start)) : nil
        return BatchReport(
            batchID: batchID, done: counts[.completed], failed: counts[.failed], cancelled: counts[.cancelled],
            total: counts.total, progress: min(1, work / Double(total)), etaSeconds: eta, isComplete: isComplete)
    }
}
