import EaselProtocol

/// What `easel watch --metrics` draws: the latest `metrics_update` as a block of lines (queue, throughput, wait
/// and run times, sockets, one line per backend), with sparklines of the queue depth and the completions per
/// minute over the last updates. A pure value: the command feeds it decoded messages and prints its lines.
public struct MetricsPanel: Sendable, Equatable {
    /// Updates kept for the sparklines.
    public static let historyLength = 30

    public private(set) var latest: MetricsSnapshot?
    private var queued: [Int] = []
    private var completed: [Int] = []

    public init() {}

    public mutating func apply(_ snapshot: MetricsSnapshot) {
        latest = snapshot
        queued = Array((queued + [snapshot.queue.depth["queued"] ?? 0]).suffix(Self.historyLength))
        completed = Array((completed + [snapshot.jobs.completedPerMinute]).suffix(Self.historyLength))
    }

    /// The block to show, each line cut to `width`.
    public func lines(width: Int) -> [String] {
        guard let snapshot = latest else { return ["waiting for the first metrics update…"] }
        let depth = snapshot.queue.depth
        let counts = ["queued", "processing", "completed", "failed", "cancelled"].map { "\($0) \(depth[$0] ?? 0)" }
        var lines = [
            "queue \(snapshot.queue.paused ? "PAUSED" : "running")  " + counts.joined(separator: "  "),
            "queued    \(Self.sparkline(queued))",
            "done/min  \(Self.sparkline(completed))  completed \(snapshot.jobs.completedPerMinute)/min"
                + "  failed \(snapshot.jobs.failedPerMinute)/min",
            "wait p50 \(Self.seconds(snapshot.waitSeconds.p50)) p95 \(Self.seconds(snapshot.waitSeconds.p95))"
                + "   run p50 \(Self.seconds(snapshot.runSeconds.p50)) p95 \(Self.seconds(snapshot.runSeconds.p95))",
            "sockets \(snapshot.sockets.connections)  metrics \(snapshot.sockets.metricsSubscribers)"
                + "  jobs followed \(snapshot.sockets.subscribedJobs)",
        ]
        for backend in snapshot.backends {
            var line = "backend \(backend.id) \(backend.state.padding(toLength: 12, withPad: " ", startingAt: 0)) \(backend.url)"
            if let job = backend.currentJob { line += "  job \(job.prefix(8))" }
            if let model = backend.loadedModel { line += "  model \(model)" }
            if let rate = backend.stepsPerSecond { line += "  \(Self.decimal(rate)) steps/s" }
            lines.append(line)
        }
        return lines.map { ProgressBarRenderer.fit($0, width: width) }
    }

    /// One block character per value, scaled to the largest; `·` for no history yet.
    static func sparkline(_ values: [Int]) -> String {
        guard let top = values.max() else { return "·" }
        let blocks = Array("▁▂▃▄▅▆▇█")
        return String(values.map { value in
            top == 0 ? blocks[0] : blocks[min(blocks.count - 1, value * (blocks.count - 1) / top)]
        })
    }

    private static func seconds(_ value: Double?) -> String {
        value.map { "\(decimal($0))s" } ?? "–"
    }

    private static func decimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
