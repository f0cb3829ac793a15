import EaselCore
import Synchronization

/// The running jobs whose caller asked SD.Next to skip (the gateway's `/sdapi/v1/skip`): an attempt that then ends with
/// no images did what its caller asked, so it is not retried. An entry lives while its job runs.
public final class SkipRequests: Sendable {
    private let jobs = Mutex<Set<JobID>>([])

    public init() {}

    /// Someone asked SD.Next to skip the running job `id`.
    public func insert(_ id: JobID) {
        _ = jobs.withLock { $0.insert(id) }
    }

    func contains(_ id: JobID) -> Bool {
        jobs.withLock { $0.contains(id) }
    }

    public func remove(_ id: JobID) {
        _ = jobs.withLock { $0.remove(id) }
    }
}
