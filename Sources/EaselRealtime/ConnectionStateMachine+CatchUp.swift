import EaselCore
import NIOCore

extension ConnectionStateMachine {
    /// Which job events the connection has seen, and whose live events wait for a catch-up.
    ///
    /// Why here and not in the registry: a late subscriber gets a job's history or a snapshot while live events of
    /// the same job keep coming. Both reach the socket through this value, on its event loop, so one place can put
    /// them in `seq` order and drop what was already delivered ("a client never receives the same job event twice").
    struct CatchUp {
        /// Highest event `seq` queued per job subscribed by id. All-jobs subscribers leave it empty, so their
        /// events cost no lookup.
        private(set) var seenSeq: [JobID: Int] = [:]
        /// Jobs being brought up to date: their live events wait in `held` until the catch-up is queued.
        private(set) var holding: Set<JobID> = []
        private(set) var held: [(frame: ByteBuffer, event: EventTag)] = []

        func holds(_ jobID: JobID) -> Bool {
            !holding.isEmpty && holding.contains(jobID)
        }

        mutating func hold(_ frame: ByteBuffer, event: EventTag) {
            held.append((frame, event))
        }

        /// Whether an event is new to the connection; records it when it is. Snapshot events (`seq` 0) are always
        /// new.
        mutating func isNew(_ event: EventTag) -> Bool {
            guard event.seq > 0, !seenSeq.isEmpty, let seen = seenSeq[event.jobID] else { return true }
            guard event.seq > seen else { return false }
            seenSeq[event.jobID] = event.seq
            return true
        }

        mutating func track(_ jobID: JobID, seenUpTo seq: Int) {
            seenSeq[jobID] = max(seenSeq[jobID] ?? 0, seq)
        }

        mutating func forget(_ jobID: JobID) {
            seenSeq.removeValue(forKey: jobID)
        }

        mutating func beginHolding(_ jobs: Set<JobID>) {
            holding.formUnion(jobs)
        }

        /// Stops holding `jobs`; returns their held events, oldest first.
        mutating func release(_ jobs: Set<JobID>) -> [(frame: ByteBuffer, event: EventTag)] {
            holding.subtract(jobs)
            guard !held.isEmpty else { return [] }
            let released = held.filter { jobs.contains($0.event.jobID) }
            held.removeAll { jobs.contains($0.event.jobID) }
            return released
        }

        mutating func reset() {
            holding = []
            held = []
        }
    }

    /// Holds back live events of `jobs` while their catch-up is being read, so that a live event cannot overtake
    /// (and, as a duplicate, suppress) an event it follows. Must come before the registry routes the jobs here.
    mutating func beginCatchUp(_ jobs: Set<JobID>) {
        guard close == .open else { return }
        catchUp.beginHolding(jobs)
    }

    /// Queues the catch-up, then the live events held meanwhile (those the catch-up covered are dropped), and
    /// writes them as a reply. `seenUpTo` starts duplicate tracking for jobs subscribed by id: events up to that
    /// `seq` count as delivered (a resume), 0 for a plain subscribe.
    mutating func endCatchUp(
        _ jobs: Set<JobID>, seenUpTo: [JobID: Int], events: [(frame: ByteBuffer, event: EventTag)], now: NIODeadline
    ) -> Action {
        let released = catchUp.release(jobs)
        guard close == .open else { return .none }
        for (jobID, seq) in seenUpTo { catchUp.track(jobID, seenUpTo: seq) }
        var queued = false
        for (frame, event) in events + released {
            switch enqueue(frame, event: event) {
            case .queued, .coalesced: queued = true
            case .overflow: return requestClose(.slowConsumer, now: now)
            case .held, .duplicate, .closed: break
            }
        }
        return queued ? actionAfterPush(.queued, immediate: true, now: now) : .none
    }

    /// Ends duplicate tracking for jobs the client unsubscribed from.
    mutating func forget(_ jobs: Set<JobID>) {
        for jobID in jobs { catchUp.forget(jobID) }
    }
}
