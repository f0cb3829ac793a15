import Foundation

/// Where jobs live. Every state change is a conditional update, so two workers (or a worker and a cancel)
/// can never both move the same job. Every store passes the same conformance suite (`EaselTesting`), and every
/// operation is served by an index: its cost follows `limit`, not the number of jobs stored.
public protocol JobStore: BatchJobStore {
    func insert(_ job: Job) async throws

    /// Stores `job` under `key` unless the key was used since `notBefore`; then nothing is stored and the earlier
    /// job is named (`existing` for the same request digest, `conflict` for another). A key older than `notBefore`
    /// is taken over. Keys past their lifetime are removed a few at a time by later inserts, so each costs O(1).
    func insert(_ job: Job, key: IdempotencyKey, notBefore: Date) async throws -> IdempotentInsert

    func job(_ id: JobID) async throws -> Job?

    /// The best queued job of each distinct requirement (model and LoRA set), at most `limit` of them, ordered by
    /// requirement: what the dispatch policy chooses from. When there are more, the queue's first job in claim order
    /// (highest priority, then lowest queue order key) is added if it is not among them, so the requirements after the
    /// first `limit` are not starved. Jobs whose `notBefore` is after `date` (waiting out a retry's backoff) are
    /// skipped. Costs one index seek per requirement plus the few rows skipped, however long the queue.
    func queueHeads(limit: Int, at date: Date) async throws -> [QueueHead]

    /// The first `limit` queued jobs in claim order (the order `claimNext` takes them in): what queue positions are
    /// computed from. Read straight off the claim index, so its cost follows `limit`, not the queue's length.
    func queuedJobs(limit: Int) async throws -> [Job]

    /// The earliest `notBefore` after `date` of a queued job: when a backend loop with nothing to claim looks again.
    /// One index seek.
    func nextRetryDue(after date: Date) async throws -> Date?

    /// Moves the queued job `id` to `processing` on `backend`, counting the attempt (not before its `notBefore`), and in the same transaction puts
    /// `webhook` in the outbox (as `end` does). Returns nil when it is no longer queued (another backend took it, or
    /// it was cancelled), and then writes no delivery.
    func claim(_ id: JobID, backend: String, at date: Date, webhook: WebhookMessage?) async throws -> Job?

    /// Ends a job that is in `status` (a queued job cancelled before it started, or a processing job whose run
    /// ended) with `outcome`, and in the same transaction puts `webhook` in the outbox, one delivery per target (the
    /// job's `callbackURL`, then the message's server URLs), due at `date`. Returns the stored job, or nil when the
    /// job was not in `status` (and then writes no delivery).
    func end(
        _ id: JobID, from status: JobStatus, with outcome: JobOutcome, at date: Date, webhook: WebhookMessage?
    ) async throws -> Job?

    /// Takes the webhook deliveries due at `date`, soonest first, at most `limit`, and holds them until `leaseEnd`
    /// (their next attempt moves there): another process sending from the same store does not send them too, and a
    /// process that stops mid-send leaves them due again at `leaseEnd`. Served by an index of due rows only, so
    /// delivered and given-up rows cost nothing.
    func leaseDueWebhookDeliveries(at date: Date, until leaseEnd: Date, limit: Int) async throws -> [WebhookDelivery]

    /// Records an attempt of delivery `id`: counts it, keeps its status and error, and schedules the next one (or
    /// marks the delivery delivered or given up).
    func recordWebhookAttempt(_ id: String, _ attempt: WebhookAttempt) async throws

    /// A job's webhook deliveries, in the order they were written.
    func webhookDeliveries(of job: JobID) async throws -> [WebhookDelivery]

    /// Records that someone asked to cancel a processing job; the process running it reads this. Returns the
    /// stored job, or nil when the job was not processing.
    func requestCancel(_ id: JobID, at date: Date) async throws -> Job?

    /// Whether someone asked to cancel the job: what the process running it reads at each poll, so it must cost one
    /// key lookup and nothing else.
    func isCancelRequested(_ id: JobID) async throws -> Bool

    /// Puts a processing job back in the queue (its backend went away or refused it for its rate limit, or Easel is
    /// stopping). `refundingAttempt` takes back the attempt its claim counted (a 429 is not the job's failure).
    /// Returns false when it was not processing, or when its cancel was requested: such a job is ended as cancelled
    /// instead.
    func requeue(_ id: JobID, refundingAttempt: Bool) async throws -> Bool

    /// Puts a processing job whose attempt failed transiently back in the queue, its attempt counted, not to be
    /// claimed before `notBefore`, with `backend` added to its `failedBackends`. Returns false as `requeue` does.
    func retry(_ id: JobID, notBefore: Date, failedOn backend: String) async throws -> Bool

    /// How many jobs have `status`, without counting rows.
    func count(of status: JobStatus) async throws -> Int

    /// Whether the whole queue is paused: no backend of any process reading this store takes a job. Kept in the
    /// store, so a pause holds across restarts and for every node; one row, read before each claim.
    func isQueuePaused() async throws -> Bool
    func setQueuePaused(_ paused: Bool) async throws

    /// Jobs still queued or processing, most recently started first.
    func activeJobs(limit: Int) async throws -> [Job]

    /// Completed jobs, newest first: after skipping `offset`, or (costing O(limit) however deep the page) older
    /// than the completed job `before`.
    func completedJobs(limit: Int, offset: Int, before: JobID?) async throws -> [Job]

    /// Removes a finished job. Returns what was removed, or nil when there was no such finished job.
    func deleteFinished(_ id: JobID) async throws -> Job?

    /// At start-up: re-queues the jobs a stopped server left `processing` that have attempts left and no cancel
    /// request. Returns their ids, and the other jobs it left `processing`, which the caller ends.
    func requeueInterrupted(maxAttempts: Int) async throws -> (requeued: [JobID], remaining: [Job])
}

extension JobStore {
    /// The queue's heads that are due now.
    public func queueHeads(limit: Int) async throws -> [QueueHead] {
        try await queueHeads(limit: limit, at: Date())
    }

    /// Claims a job with no webhook to announce it.
    public func claim(_ id: JobID, backend: String, at date: Date) async throws -> Job? {
        try await claim(id, backend: backend, at: date, webhook: nil)
    }

    /// Ends a job with no webhook to announce it.
    public func end(_ id: JobID, from status: JobStatus, with outcome: JobOutcome, at date: Date) async throws -> Job? {
        try await end(id, from: status, with: outcome, at: date, webhook: nil)
    }

    /// Claims the queue's first job in claim order (highest priority, then lowest queue order key) whatever it requires, through the
    /// queue heads and a conditional claim as dispatch does, but with no policy: for tools and tests that want "the
    /// next job". Returns nil when nothing is queued.
    public func claimNext(backend: String, at date: Date) async throws -> Job? {
        while true {
            let heads = try await queueHeads(limit: 64, at: date)
            let first = heads.min(by: QueueHead.runsBefore)
            guard let first else { return nil }
            if let job = try await claim(first.id, backend: backend, at: date) { return job }
        }
    }

    /// Puts a processing job back in the queue, its attempt counted.
    public func requeue(_ id: JobID) async throws -> Bool {
        try await requeue(id, refundingAttempt: false)
    }
}

/// The first job in line for one requirement: enough for the dispatch policy to choose without reading the job.
public struct QueueHead: Sendable, Equatable {
    public var id: JobID
    public var requirements: JobRequirements
    public var priority: Int
    public var createdAt: Date
    /// The backends the job failed on (see `Job.failedBackends`).
    public var failedBackends: [String]
    /// Its place among the queued jobs of its priority (`Job.queueOrder`).
    public var queueOrder: Double

    public init(
        id: JobID, requirements: JobRequirements, priority: Int, createdAt: Date, queueOrder: Double? = nil,
        failedBackends: [String] = []
    ) {
        self.id = id
        self.requirements = requirements
        self.priority = priority
        self.createdAt = createdAt
        self.failedBackends = failedBackends
        self.queueOrder = queueOrder ?? createdAt.timeIntervalSince1970
    }

    /// Claim order: higher priority first, then the lower queue order key.
    public static func runsBefore(_ a: QueueHead, _ b: QueueHead) -> Bool {
        a.priority != b.priority ? a.priority > b.priority : a.queueOrder < b.queueOrder
    }
}
