/// Every JobMonitor in the process polls on the same ticks (multiples of the poll interval from one origin), so
/// the progress of all running jobs is read together and their updates reach the sockets as one burst: a
/// subscriber then gets every job's update in one write instead of one write per job (see
/// `RealtimeConfiguration.writeDelay`).
enum PollClock {
    /// The instant ticks count from, shared by every monitor.
    static let origin = ContinuousClock.now

    /// The first tick strictly after `instant`.
    static func nextTick(after instant: ContinuousClock.Instant, interval: Duration) -> ContinuousClock.Instant {
        let elapsed = instant - origin
        let ticks = Int64((elapsed / interval).rounded(.down)) + 1
        return origin + interval * ticks
    }
}
