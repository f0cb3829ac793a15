import DequeModule
import DynamicJSON
import EaselCore
import Synchronization

/// What the gateway remembers of each caller: its latest jobs (for its progress, interrupt and history) and the
/// options it set (`sd_model_checkpoint` picks the model of its next jobs; the others become those jobs'
/// `override_settings`, so no shared backend is switched for one caller). Bounded: `jobsPerCaller` jobs each, and
/// the least recently seen caller is forgotten past `maxCallers`. Kept in memory: a restarted server forgets who
/// asked for what, not the jobs.
public final class CallerBook: Sendable {
    struct Entry {
        var jobs: Deque<JobID> = []
        /// A1111's `force_task_id` of each job that came with one.
        var tasks: [String: JobID] = [:]
        var options: [String: JSONValue] = [:]
        var lastSeen: UInt64 = 0
    }

    struct State {
        var entries: [Caller: Entry] = [:]
        var clock: UInt64 = 0
        /// Jobs whose caller asked for previews (`skip_current_image=false`), oldest first.
        var previewJobs: Deque<JobID> = []
    }

    /// The option that picks the model of the caller's next jobs.
    public static let modelOption = "sd_model_checkpoint"

    public let jobsPerCaller: Int
    public let maxCallers: Int
    private let state = Mutex(State())

    public init(jobsPerCaller: Int = 32, maxCallers: Int = 10_000) {
        self.jobsPerCaller = jobsPerCaller
        self.maxCallers = maxCallers
    }

    /// Remembers `job` as `caller`'s newest, under the task id an A1111 client gave it.
    public func record(_ job: JobID, for caller: Caller, taskID: String? = nil) {
        update(caller) { entry in
            entry.jobs.append(job)
            if let taskID { entry.tasks[taskID] = job }
            if entry.jobs.count > jobsPerCaller, let dropped = entry.jobs.popFirst() {
                entry.tasks = entry.tasks.filter { $0.value != dropped }
            }
        }
    }

    /// The caller's job that an A1111 client named `taskID`.
    public func job(of caller: Caller, taskID: String) -> JobID? {
        state.withLock { $0.entries[caller]?.tasks[taskID] }
    }

    /// The task id the caller gave `job`, if any.
    public func taskID(of job: JobID, for caller: Caller) -> String? {
        state.withLock { $0.entries[caller]?.tasks.first { $0.value == job }?.key }
    }

    /// The caller's jobs, newest first.
    public func jobs(of caller: Caller) -> [JobID] {
        state.withLock { $0.entries[caller].map { Array($0.jobs.reversed()) } ?? [] }
    }

    /// The options the caller set, by SD.Next's option names.
    public func options(of caller: Caller) -> [String: JSONValue] {
        state.withLock { $0.entries[caller]?.options ?? [:] }
    }

    public func setOptions(_ options: [String: JSONValue], for caller: Caller) {
        update(caller) { entry in entry.options.merge(options) { _, new in new } }
    }

    /// Marks `job` as watched with previews, so its monitor asks its backend for them.
    public func wantPreviews(of job: JobID) {
        state.withLock { state in
            guard !state.previewJobs.contains(job) else { return }
            state.previewJobs.append(job)
            if state.previewJobs.count > 256 { state.previewJobs.removeFirst() }
        }
    }

    public func wantsPreviews(of job: JobID) -> Bool {
        state.withLock { $0.previewJobs.contains(job) }
    }

    private func update(_ caller: Caller, _ change: (inout Entry) -> Void) {
        state.withLock { state in
            state.clock += 1
            var entry = state.entries[caller] ?? Entry()
            entry.lastSeen = state.clock
            change(&entry)
            state.entries[caller] = entry
            if state.entries.count > maxCallers,
                let oldest = state.entries.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key
            {
                state.entries[oldest] = nil
            }
        }
    }
}
