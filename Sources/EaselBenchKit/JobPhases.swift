import Foundation

/// Where one call's time went, from the client's clock (sent, received) and the job's record on the server
/// (created, started, finished), all on this machine's wall clock: so an added latency can be split without
/// instrumenting the server.
public struct JobPhases: Sendable, Equatable {
    public var sent: Date
    public var created: Date
    public var started: Date
    public var finished: Date
    public var received: Date

    public init(sent: Date, created: Date, started: Date, finished: Date, received: Date) {
        self.sent = sent
        self.created = created
        self.started = started
        self.finished = finished
        self.received = received
    }

    /// The phases in order, each named, in milliseconds: request to stored job, waiting for a backend, the run on
    /// the backend (SD.Next's call and storing the result), and the finished job to the answer's last byte.
    public var milliseconds: [(phase: String, value: Double)] {
        [
            ("sent → job stored", created.timeIntervalSince(sent) * 1000),
            ("stored → started on backend", started.timeIntervalSince(created) * 1000),
            ("started → finished", finished.timeIntervalSince(started) * 1000),
            ("finished → answer received", received.timeIntervalSince(finished) * 1000),
        ]
    }

    /// Each phase's median over `calls`, in order; empty for no calls.
    public static func medians(_ calls: [JobPhases]) -> [(phase: String, value: Double)] {
        guard let first = calls.first else { return [] }
        let table = calls.map(\.milliseconds)
        return first.milliseconds.indices.map { index in
            (first.milliseconds[index].phase, BenchReport.median(table.map { $0[index].value }))
        }
    }
}
