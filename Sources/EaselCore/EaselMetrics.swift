import CoreMetrics

/// Everything Easel counts, created from one `MetricsFactory` handed in at start-up (Prometheus in `easel serve`,
/// a no-op elsewhere), so no component touches a global metrics system and tests stay independent.
public struct EaselMetrics: Sendable {
    public let jobsSubmitted: Counter
    public let jobsCompleted: Counter
    public let jobsFailed: Counter
    public let jobsCancelled: Counter
    public let jobsRequeued: Counter
    /// Jobs re-queued for another attempt after a transient failure, by the failure's `error_code`.
    public let jobRetries: [JobFailure.Code: Counter]
    /// Jobs waiting for a backend.
    public let queueDepth: Meter
    /// Submit (or re-queue) to start on a backend.
    public let jobWait: Timer
    /// Start on a backend to finish.
    public let jobRun: Timer
    /// One SD.Next progress poll, request to answer.
    public let progressPoll: Timer
    public let socketConnections: Meter
    /// Events published on the bus (each encoded once).
    public let eventsPublished: Counter
    /// Frames handed to connection outboxes (one per recipient).
    public let messagesDelivered: Counter
    /// Progress frames replaced by a newer one before a slow connection read them.
    public let progressCoalesced: Counter
    /// Connections closed because they stopped reading (4008).
    public let slowConsumerCloses: Counter
    /// The last minutes of job starts and ends, for the live metrics panel (`metrics_update`).
    public let recent = RecentJobs()

    public init(factory: any MetricsFactory) {
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: name, dimensions: dimensions, factory: factory)
        }
        func timer(_ name: String) -> Timer { Timer(label: name, dimensions: [], factory: factory) }
        func meter(_ name: String) -> Meter { Meter(label: name, dimensions: [], factory: factory) }
        jobsSubmitted = counter("easel_jobs_submitted_total")
        jobsCompleted = counter("easel_jobs_finished_total", [("status", "completed")])
        jobsFailed = counter("easel_jobs_finished_total", [("status", "failed")])
        jobsCancelled = counter("easel_jobs_finished_total", [("status", "cancelled")])
        jobsRequeued = counter("easel_jobs_requeued_total")
        jobRetries = Dictionary(uniqueKeysWithValues: JobFailure.Code.all.map {
            ($0, counter("easel_job_retries_total", [("error_code", $0.rawValue)]))
        })
        queueDepth = meter("easel_queue_depth")
        jobWait = timer("easel_job_wait_seconds")
        jobRun = timer("easel_job_run_seconds")
        progressPoll = timer("easel_sdnext_progress_poll_seconds")
        socketConnections = meter("easel_ws_connections")
        eventsPublished = counter("easel_events_published_total")
        messagesDelivered = counter("easel_ws_messages_delivered_total")
        progressCoalesced = counter("easel_ws_progress_coalesced_total")
        slowConsumerCloses = counter("easel_ws_slow_consumer_closes_total")
    }

    /// Counts nothing; for components built without metrics.
    public static let none = EaselMetrics(factory: NOOPMetricsHandler.instance)

    /// The counter for a job's terminal status.
    public func finished(_ status: JobStatus) -> Counter? {
        switch status {
        case .completed: jobsCompleted
        case .failed: jobsFailed
        case .cancelled: jobsCancelled
        case .queued, .processing: nil
        }
    }
}

extension Timer {
    /// Records a duration given in seconds.
    public func recordSeconds(_ seconds: Double) {
        recordNanoseconds(Int64(max(0, seconds) * 1_000_000_000))
    }

    /// Records a `Duration`.
    public func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
