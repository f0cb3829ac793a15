import EaselCore
import Foundation
import SDNext
import Synchronization

/// One SD.Next server Easel sends work to. SD.Next runs one generation at a time and its progress is global,
/// so a backend runs exactly one Easel job at a time; `currentJob` is what makes its progress belong to a job.
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
        /// When the backend last answered: a health check passed or a generation returned.
        var lastAnswerAt: ContinuousClock.Instant?
    }

    /// The server's address without credentials; also the backend's name in job records.
    public let url: String
    public let client: SDNextClient
    private let state = Mutex(Status())

    public init(client: SDNextClient) {
        self.client = client
        self.url = client.configuration.baseURL
    }

    public var status: Status { state.withLock { $0 } }

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

    /// A job switched the backend to `title` (SD.Next's `sd_model_checkpoint` request field switches persistently).
    func recordLoadedCheckpoint(_ title: String) {
        state.withLock { $0.inventory?.loadedCheckpoint = title }
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
