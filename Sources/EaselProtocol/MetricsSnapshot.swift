import Foundation

/// The data of one `metrics_update`: the whole server at one instant, as the live panels (the HTML page,
/// `easel watch --metrics`) draw it. Computed once per interval by the server's sampler and encoded once for every
/// metrics subscriber; decoded by the clients with the same type.
public struct MetricsSnapshot: Sendable, Equatable, Codable {
    public struct BackendState: Sendable, Equatable, Codable {
        /// The backend's position in the server's list, as `GET generation/backends` and `drain` name it.
        public var id: String
        public var url: String
        /// `idle`, `busy`, `draining`, `down` (its last health check failed), `circuit_open`, `busy_elsewhere`
        /// (running a job Easel did not start) or `unknown` (not checked yet).
        public var state: String
        public var currentJob: String?
        public var loadedModel: String?
        /// Sampling steps per second of its current job, over the last two progress reads; nil when not running.
        public var stepsPerSecond: Double?

        public init(id: String, url: String, state: String, currentJob: String?, loadedModel: String?, stepsPerSecond: Double?) {
            self.id = id
            self.url = url
            self.state = state
            self.currentJob = currentJob
            self.loadedModel = loadedModel
            self.stepsPerSecond = stepsPerSecond
        }

        enum CodingKeys: String, CodingKey {
            case id, url, state, currentJob = "current_job", loadedModel = "loaded_model", stepsPerSecond = "steps_per_second"
        }
    }

    public struct Queue: Sendable, Equatable, Codable {
        public var paused: Bool
        /// Jobs per status (`queued`, `processing`, `completed`, `failed`, `cancelled`).
        public var depth: [String: Int]

        public init(paused: Bool, depth: [String: Int]) {
            self.paused = paused
            self.depth = depth
        }
    }

    public struct Throughput: Sendable, Equatable, Codable {
        public var completedPerMinute: Int
        public var failedPerMinute: Int

        public init(completedPerMinute: Int, failedPerMinute: Int) {
            self.completedPerMinute = completedPerMinute
            self.failedPerMinute = failedPerMinute
        }

        enum CodingKeys: String, CodingKey { case completedPerMinute = "completed_per_minute", failedPerMinute = "failed_per_minute" }
    }

    /// Seconds; nil when no job was measured in the window.
    public struct Percentiles: Sendable, Equatable, Codable {
        public var p50: Double?
        public var p95: Double?

        public init(p50: Double?, p95: Double?) {
            self.p50 = p50
            self.p95 = p95
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(p50, forKey: .p50)
            try container.encode(p95, forKey: .p95)
        }

        enum CodingKeys: String, CodingKey { case p50, p95 }
    }

    public struct Sockets: Sendable, Equatable, Codable {
        public var connections: Int
        public var metricsSubscribers: Int
        /// Jobs followed by at least one per-job subscription.
        public var subscribedJobs: Int

        public init(connections: Int, metricsSubscribers: Int, subscribedJobs: Int) {
            self.connections = connections
            self.metricsSubscribers = metricsSubscribers
            self.subscribedJobs = subscribedJobs
        }

        enum CodingKeys: String, CodingKey {
            case connections, metricsSubscribers = "metrics_subscribers", subscribedJobs = "subscribed_jobs"
        }
    }

    /// The sampler's interval: one update per interval (or per multiple of it, see `metrics_interval`).
    public var intervalSeconds: Double
    public var backends: [BackendState]
    public var queue: Queue
    public var jobs: Throughput
    /// Queued to started, over the last five minutes.
    public var waitSeconds: Percentiles
    /// Started to completed, over the last five minutes.
    public var runSeconds: Percentiles
    public var sockets: Sockets

    public init(
        intervalSeconds: Double, backends: [BackendState], queue: Queue, jobs: Throughput, waitSeconds: Percentiles,
        runSeconds: Percentiles, sockets: Sockets
    ) {
        self.intervalSeconds = intervalSeconds
        self.backends = backends
        self.queue = queue
        self.jobs = jobs
        self.waitSeconds = waitSeconds
        self.runSeconds = runSeconds
        self.sockets = sockets
    }

    enum CodingKeys: String, CodingKey {
        case intervalSeconds = "interval_seconds", backends, queue, jobs, waitSeconds = "wait_seconds"
        case runSeconds = "run_seconds", sockets
    }
}

extension MetricsSnapshot.BackendState {
    /// Every key present, `null` when it has no value (the protocol's rule).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(state, forKey: .state)
        try container.encode(currentJob, forKey: .currentJob)
        try container.encode(loadedModel, forKey: .loadedModel)
        try container.encode(stepsPerSecond.map { ($0 * 100).rounded() / 100 }, forKey: .stepsPerSecond)
    }
}
