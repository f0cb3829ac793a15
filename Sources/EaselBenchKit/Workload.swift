/// How a wanted progress rate becomes server and emulator settings.
///
/// A running job publishes one `progress_update` per poll when its step changed since the last poll, so the
/// poll interval sets the rate; emulated steps last half a poll, so every poll sees a new step. Jobs are queued
/// in rounds so every backend stays busy for the whole run even when a job is shorter than the run.
public struct Workload: Sendable, Equatable {
    /// Concurrent jobs (one emulated backend each).
    public var concurrentJobs: Int
    public var pollMilliseconds: Int
    public var stepMilliseconds: Int
    public var stepsPerJob: Int
    /// Jobs queued per backend.
    public var rounds: Int

    /// The smallest poll interval `--poll-interval-ms` accepts; below it the server needs the unsafe flag.
    public static let safePollFloorMilliseconds = 200

    public init(concurrentJobs: Int, updatesPerSecond: Double, runSeconds: Double) {
        self.concurrentJobs = max(1, concurrentJobs)
        pollMilliseconds = max(1, Int((1000 / max(updatesPerSecond, 0.01)).rounded()))
        stepMilliseconds = max(1, pollMilliseconds / 2)
        stepsPerJob = min(150, max(10, Int(runSeconds * 1000) / stepMilliseconds))
        let jobSeconds = Double(stepsPerJob * stepMilliseconds) / 1000 + 0.5
        rounds = Int((runSeconds / jobSeconds).rounded(.up)) + 1
    }

    /// The server's poll flag: the documented one when allowed, the benchmark-only one below its floor.
    public var serverPollArguments: [String] {
        pollMilliseconds >= Self.safePollFloorMilliseconds
            ? ["--poll-interval-ms", String(pollMilliseconds)]
            : ["--unsafe-poll-interval-ms", String(pollMilliseconds)]
    }
}
