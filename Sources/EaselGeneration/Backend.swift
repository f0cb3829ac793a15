import EaselCore
import Foundation
import SDNext
import Synchronization

/// One SD.Next server Easel sends work to. SD.Next runs one generation at a time and its progress is global,
/// so a backend runs exactly one Easel job at a time; `currentJob` is what makes its progress belong to a job.
/// Its one `client` (and so its one pacer) serves the job run, the progress monitor and the health checks, as
/// SD.Next counts its rate limit per client address.
public final class Backend: Sendable {
    /// What the REST API reports about a backend.
    public struct Status: Sendable, Equatable {
        /// nil until the first health check.
        public var healthy: Bool?
        public var lastError: String?
        public var currentJob: JobID?
        public var completedJobs = 0
        public var lastCheckedAt: Date?
        /// What the server is, learnt at each health check: its progress numbers are read by its own rules.
        public var flavor: BackendFlavor?
        /// Its checkpoints, loaded model and LoRAs, as last read; nil until the first read succeeds.
        public var inventory: BackendInventory?
        /// Whether the backend is taken out of dispatch after failing again and again.
        public var circuit: CircuitBreaker
        /// True while the server runs a job Easel did not start (someone using SD.Next's own UI or API).
        public var busyElsewhere = false
        /// Until when the backend takes no job because of its rate limit (its pacing, or a 429).
        public var pacedUntil: Date?
        /// Asked to take no new job (its current one finishes): `POST generation/backends/{id}/drain`.
        public var draining = false
        /// What held the backend's loop at its last look: `queue_paused`, `draining`, or nil (it was free to claim).
        public var heldBy: String?
        /// When the backend last answered: a health check passed or a generation returned.
        var lastAnswerAt: ContinuousClock.Instant?
        /// After a 429, no job until then; the wait doubles with each 429 in a row.
        var rateLimitedUntil: Date?
        var rateLimitBackoff: Duration = .zero
        /// What `/progress` showed when a failed run of Easel's ended: SD.Next leaves a failed job's stage in its
        /// state until the next job begins, and that is not someone else's job.
        var leftover: Leftover = .none
    }

    /// A stage SD.Next left in its state after one of Easel's runs failed.
    enum Leftover: Sendable, Equatable {
        case none
        /// A run failed; the next progress read that shows a job shows what it left.
        case expected
        case seen(ProgressSnapshot.StageID, ProgressSnapshot.State)
    }

    /// The server's address without credentials; also the backend's name in job records.
    public let url: String
    public let client: SDNextClient
    private let state: Mutex<Status>

    public init(client: SDNextClient, circuitBreaker: CircuitBreaker.Settings = .init()) {
        self.client = client
        self.url = client.configuration.baseURL
        state = Mutex(Status(circuit: CircuitBreaker(settings: circuitBreaker)))
    }

    public var status: Status { state.withLock { $0 } }

    func withStatus<Value>(_ body: (inout Status) -> Value) -> Value {
        state.withLock { body(&$0) }
    }

    func recordHealth(_ healthy: Bool, flavor: BackendFlavor? = nil, error: String? = nil) {
        state.withLock { state in
            state.healthy = healthy
            if let flavor { state.flavor = flavor }
            state.lastError = error
            state.lastCheckedAt = Date()
            if healthy { state.lastAnswerAt = .now }
        }
    }

    /// Whether the backend has said nothing for longer than `duration` (or never answered).
    func silent(for duration: Duration) -> Bool {
        state.withLock { state in state.lastAnswerAt.map { .now - $0 > duration } ?? true }
    }

    /// Reads the backend's inventory and keeps it; on failure the last one read stays, and the error is thrown.
    @discardableResult
    public func refreshInventory() async throws -> BackendInventory {
        let inventory = try await client.inventory()
        state.withLock { $0.inventory = inventory }
        return inventory
    }

    /// A job switched the backend to `title` (SD.Next's `sd_model_checkpoint` request field switches persistently);
    /// nil: a failed run left it unknown until the next read.
    func recordLoadedCheckpoint(_ title: String?) {
        state.withLock { $0.inventory?.loadedCheckpoint = title }
    }

    func recordHold(_ reason: String?) {
        state.withLock { $0.heldBy = reason }
    }

    /// Drains the backend (it finishes its job and takes no other) or puts it back in dispatch.
    public func setDraining(_ draining: Bool) {
        state.withLock { $0.draining = draining }
    }

    func setCurrentJob(_ jobID: JobID?) {
        state.withLock { $0.currentJob = jobID }
    }

    func recordCompletion() {
        state.withLock { state in
            state.completedJobs += 1
            state.lastAnswerAt = .now
        }
    }
}
