import EaselCore
import EaselProtocol
import Foundation
import NIOCore
import Synchronization

/// Keeps a `BatchTracker` per batch followed in this process (submitted here, or subscribed to by id), feeds it the
/// bus's events of its jobs, and sends the reports it decides on: `batch_progress` at most every `interval`, and
/// one `batch_complete`, after which the batch is no longer tracked.
final class BatchMonitor: Sendable {
    let manager: ConnectionManager
    let bus: JobEventBus
    let interval: Duration
    private let trackers = Mutex<[BatchID: BatchTracker]>([:])

    init(manager: ConnectionManager, bus: JobEventBus, interval: Duration = .milliseconds(250)) {
        self.manager = manager
        self.bus = bus
        self.interval = interval
    }

    private var intervalSeconds: Double { Double(interval.nanoseconds) / 1e9 }

    /// Starts tracking a batch from its counts (read from the store, so a restart loses nothing); a batch tracked
    /// already keeps its tracker. Sends its state at once when `announce`, else at the next tick (a batch just
    /// submitted: its submitter's reply comes first).
    func follow(_ batch: BatchID, jobs: [JobID], counts: BatchCounts, announce: Bool = true) {
        manager.track(batch, jobs: jobs)
        let now = Self.now
        let seconds = intervalSeconds
        trackers.withLock { trackers in
            if trackers[batch] == nil { trackers[batch] = BatchTracker(batchID: batch, counts: counts, now: now, interval: seconds) }
        }
        if announce { flush(batch) }
    }

    /// The batch's current report, for a new follower; nil when it is not tracked.
    func report(of batch: BatchID) -> BatchReport? {
        trackers.withLock { $0[batch]?.report(at: Self.now) }
    }

    /// Feeds events until cancelled, and every `interval` sends the reports held back by the rate limit.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                for await event in bus.subscribe() {
                    guard let batch = manager.batch(of: event.jobID) else { continue }
                    trackers.withLock { $0[batch]?.apply(event) }
                    flush(batch)
                }
            }
            group.addTask { [self] in
                while (try? await Task.sleep(for: interval)) != nil {
                    for batch in trackers.withLock({ Array($0.keys) }) { flush(batch) }
                }
            }
        }
    }

    private func flush(_ batch: BatchID) {
        let now = Self.now
        let report = trackers.withLock { trackers -> BatchReport? in
            let report = trackers[batch]?.due(at: now)
            if report?.isComplete == true { trackers[batch] = nil }
            return report
        }
        guard let report else { return }
        manager.sendBatchFrame(WebSocketWire.textFrame(ServerMessage.batch(report).encoded()), for: batch)
        if report.isComplete { manager.untrack(batch) }
    }

    private static var now: Double { Date().timeIntervalSince1970 }
}
