import Histogram
import Synchronization

/// What subscribers received, for one measurement window.
public struct DeliveryTotals: Sendable, Equatable {
    /// Job events received (`generation_started`, `progress_update`, `generation_complete`).
    public var delivered = 0
    /// Events of which were `progress_update`.
    public var progress = 0
    /// Progress events a client never saw because a newer one replaced them in its outbox (gaps in a job's `seq`).
    public var coalesced = 0

    public init(delivered: Int = 0, progress: Int = 0, coalesced: Int = 0) {
        self.delivered = delivered
        self.progress = progress
        self.coalesced = coalesced
    }
}

/// Collects event→receipt latencies and counts from many subscribers. It is split in shards, one per client
/// event loop, so each message costs one uncontended lock; the shards are merged only when a window is read.
public final class DeliveryRecorder: Sendable {
    /// Latencies are kept in µs from 1 µs to 60 s at 3 significant digits.
    static let highestLatencyMicros: UInt64 = 60_000_000

    final class Shard: Sendable {
        struct State {
            var latencies = Histogram<UInt64>(highestTrackableValue: DeliveryRecorder.highestLatencyMicros)
            var totals = DeliveryTotals()
        }

        let state = Mutex(State())

        func record(_ kind: ServerFrame.Kind, latencyMicros: Int64?, skipped: Int) {
            state.withLock { state in
                state.totals.delivered += 1
                if kind == .progress { state.totals.progress += 1 }
                state.totals.coalesced += skipped
                if let latencyMicros {
                    _ = state.latencies.record(UInt64(clamping: min(max(latencyMicros, 0), Int64(DeliveryRecorder.highestLatencyMicros))))
                }
            }
        }
    }

    let shards: [Shard]

    public init(shardCount: Int) {
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    func shard(_ index: Int) -> Shard { shards[index % shards.count] }

    /// Starts a new window: forgets everything recorded so far.
    public func reset() {
        for shard in shards {
            shard.state.withLock { state in
                state.latencies.reset()
                state.totals = DeliveryTotals()
            }
        }
    }

    /// Everything recorded since the last reset.
    public func read() -> (totals: DeliveryTotals, latency: LatencySummary) {
        var merged = Histogram<UInt64>(highestTrackableValue: Self.highestLatencyMicros)
        var totals = DeliveryTotals()
        for shard in shards {
            shard.state.withLock { state in
                merged.add(state.latencies)
                totals.delivered += state.totals.delivered
                totals.progress += state.totals.progress
                totals.coalesced += state.totals.coalesced
            }
        }
        return (totals, LatencySummary(merged))
    }
}
