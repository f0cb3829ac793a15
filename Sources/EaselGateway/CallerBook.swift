import DequeModule
import DynamicJSON
import EaselCore
import Foundation
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
        /// Callers in the order they were seen (see `update`).
        var seen: Deque<(Caller, UInt64)> = []
        /// Jobs whose caller asked for previews (`skip_current_image=false`).
        var previewJobs = RecentJobs()
        /// Jobs whose caller skipped an iteration (`state.skipped` then says so).
        var skippedJobs = RecentJobs()
    }

    /// A set of the last 256 jobs put in: enough for every job running or polled at once, while a caller's old
    /// jobs fall out without a sweep.
    struct RecentJobs {
        private var order: Deque<JobID> = []
        private var members: Set<JobID> = []

        mutating func insert(_ job: JobID) {
            guard members.insert(job).inserted else { return }
            order.append(job)
            if order.count > 256, let oldest = order.popFirst() { members.remove(oldest) }
        }

        func contains(_ job: JobID) -> Bool { members.contains(job) }
    }

    /// The option that picks the model of the caller's next jobs.
    public static let modelOption = "sd_model_checkpoint"
    /// Bounds on what one caller's options hold: they ride on every job of the caller as `override_settings`.
    public static let maxOptions = 64
    public static let maxOptionBytes = 16 << 10

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

    /// Keeps the caller's values, within bounds: at most `maxOptions` names, each value at most `maxOptionBytes`
    /// of JSON. Returns the names kept.
    @discardableResult
    public func setOptions(_ options: [String: JSONValue], for caller: Caller) -> Set<String> {
        let fitting = options.filter { (try? JSONEncoder().encode($0.value).count).map { $0 <= Self.maxOptionBytes } ?? false }
        return update(caller) { entry in
            var kept: Set<String> = []
            for (name, value) in fitting where entry.options[name] != nil || entry.options.count < Self.maxOptions {
                entry.options[name] = value
                kept.insert(name)
            }
            return kept
        }
    }

    /// Marks `job` as watched with previews, so its monitor asks its backend for them.
    public func wantPreviews(of job: JobID) {
        state.withLock { $0.previewJobs.insert(job) }
    }

    public func wantsPreviews(of job: JobID) -> Bool {
        state.withLock { $0.previewJobs.contains(job) }
    }

    public func markSkipped(_ job: JobID) {
        state.withLock { $0.skippedJobs.insert(job) }
    }

    public func wasSkipped(_ job: JobID) -> Bool {
        state.withLock { $0.skippedJobs.contains(job) }
    }

    /// Changes the caller's entry and marks it the most recently seen; past `maxCallers` the least recently seen
    /// caller is forgotten. `seen` holds one (caller, stamp) per change, oldest first; a stamp older than its
    /// caller's `lastSeen` is stale and skipped, and the list is rebuilt when stale ones outnumber the callers, so
    /// each change costs O(1) amortised.
    @discardableResult
    private func update<Result>(_ caller: Caller, _ change: (inout Entry) -> Result) -> Result {
        state.withLock { state in
            state.clock += 1
            var entry = state.entries[caller] ?? Entry()
            entry.lastSeen = state.clock
            let result = change(&entry)
            state.entries[caller] = entry
            state.seen.append((caller, state.clock))
            while state.entries.count > maxCallers, let (oldest, stamp) = state.seen.popFirst() {
                if state.entries[oldest]?.lastSeen == stamp { state.entries[oldest] = nil }
            }
            if state.seen.count > 2 * max(state.entries.count, 64) {
                state.seen = Deque(state.entries.map { ($0.key, $0.value.lastSeen) }.sorted { $0.1 < $1.1 })
            }
            return result
        }
    }
}
