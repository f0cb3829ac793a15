import Foundation

/// What the event bus remembers of one job: its lifecycle events and its latest progress. Progress is
/// "latest wins", so this is enough to bring any subscriber up to date: a late subscriber gets the current
/// state, and a reconnecting one gets exactly what it missed.
public struct JobHistory: Sendable, Equatable {
    public private(set) var started: JobEvent?
    public private(set) var latestProgress: JobEvent?
    public private(set) var completed: JobEvent?
    public private(set) var lastSeq = 0

    public init() {}

    mutating func record(_ event: JobEvent) {
        lastSeq = event.seq
        switch event.kind {
        case .started: started = event
        case .progress: latestProgress = event
        case .completed: completed = event
        }
    }

    /// The remembered events numbered above `seq`, in order: every lifecycle event and the latest progress.
    public func events(after seq: Int) -> [JobEvent] {
        [started, latestProgress, completed]
            .compactMap { $0 }
            .filter { $0.seq > seq }
            .sorted { $0.seq < $1.seq }
    }

    /// The latest progress, while the job has not completed.
    public var progress: JobProgressState? {
        guard completed == nil, case .progress(let state)? = latestProgress?.kind else { return nil }
        return state
    }
}
