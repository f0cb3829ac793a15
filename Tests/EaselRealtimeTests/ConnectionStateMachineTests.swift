import EaselCore
import NIOCore
import Testing

@testable import EaselRealtime

/// The connection's state machine, transition by transition, with no socket and no clock: each test feeds inputs
/// and checks the action that comes back. Frames are short strings in brackets, so a joined write reads as a list.
/// Lanes (coalescing, budget) are in `OutboxTests`, the catch-up, writability and closing in the files beside this.
@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine
    static let job = JobID(rawValue: "job-1")
    static let other = JobID(rawValue: "job-2")
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func machine(budget: Int = 1_000, writeDelay: TimeAmount = .milliseconds(2)) -> Machine {
        Machine(configuration: .init(
            maxLifecycleBytes: budget, writeDelay: writeDelay, writeTimeout: .seconds(5), closeTimeout: .seconds(5)))
    }

    static func frame(_ name: String) -> ByteBuffer { ByteBuffer(string: "[\(name)]") }

    static func progress(_ seq: Int, of job: JobID = job) -> EventTag { EventTag(jobID: job, seq: seq, isProgress: true) }

    static func lifecycle(_ seq: Int, of job: JobID = job) -> EventTag { EventTag(jobID: job, seq: seq, isProgress: false) }

    static func at(_ milliseconds: Int64) -> NIODeadline { start + .milliseconds(milliseconds) }

    @discardableResult
    static func push(_ machine: inout Machine, _ name: String, _ event: EventTag?, preview: String? = nil) -> (Machine.PushResult, Machine.Action) {
        machine.push(frame(name), preview: preview.map(frame), event: event, now: start)
    }

    /// What a drain writes now, as text; nil when it writes nothing.
    static func drained(_ machine: inout Machine, at now: NIODeadline = start) -> String? {
        written(machine.drainDue(now: now))
    }

    /// A reply's action is a drain later in this loop turn; what that drain writes.
    static func replyWritten(_ machine: inout Machine, _ action: Machine.Action) -> String? {
        guard action == .scheduleDrain(after: .zero) else { return nil }
        return drained(&machine)
    }

    static func written(_ action: Machine.Action) -> String? {
        if case .write(let bytes) = action { String(buffer: bytes) } else { nil }
    }

    @Test func theFirstBroadcastFrameSetsTheDrainTimerAndTheRestJoinIt() {
        var machine = Self.machine()
        #expect(Self.push(&machine, "a", Self.progress(1)) == (.queued, .scheduleDrain(after: .milliseconds(2))))
        #expect(Self.push(&machine, "b", Self.lifecycle(2)) == (.queued, .none))
        #expect(machine.drain == .delayed)
        #expect(Self.drained(&machine) == "[a][b]")
        #expect(machine.drain == .idle)
        // The next frame sets a new timer.
        #expect(Self.push(&machine, "c", Self.progress(3)).1 == .scheduleDrain(after: .milliseconds(2)))
    }

    @Test func withoutAWriteDelayTheBroadcastStillAsksForOneDrain() {
        var machine = Self.machine(writeDelay: .zero)
        #expect(Self.push(&machine, "a", nil).1 == .scheduleDrain(after: .zero))
        #expect(Self.push(&machine, "b", nil).1 == .none)
        #expect(Self.drained(&machine) == "[a][b]")
    }

    @Test func aReplyIsWrittenInThisLoopTurnUnlessADelayedWriteIsDue() {
        var machine = Self.machine()
        let action = machine.reply(Self.frame("pong"), now: Self.start)
        // Replies queued before that drain share its write.
        #expect(machine.reply(Self.frame("pong 2"), now: Self.start) == .none)
        #expect(Self.replyWritten(&machine, action) == "[pong][pong 2]")
        Self.push(&machine, "event", Self.progress(1))
        // The reply joins the write that is already due.
        #expect(machine.reply(Self.frame("confirmed"), now: Self.start) == .none)
        #expect(Self.drained(&machine) == "[event][confirmed]")
    }

    @Test func aDrainWithNothingWaitingWritesNothing() {
        var machine = Self.machine()
        #expect(machine.drainDue(now: Self.start) == .none)
        #expect(machine.drain == .idle)
    }

    @Test func previewsGoToAConnectionThatKeepsUpAndAreLeftOutWhileItIsBehind() {
        var machine = Self.machine()
        Self.push(&machine, "p1", Self.progress(1), preview: "p1+preview")
        #expect(Self.drained(&machine) == "[p1+preview]")
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "p2", Self.progress(2), preview: "p2+preview")
        _ = machine.drainDue(now: Self.start)
        #expect(machine.isBehind)
        Self.push(&machine, "p3", Self.progress(3), preview: "p3+preview")
        #expect(Self.written(machine.writabilityChanged(true, now: Self.at(10))) == "[p3]")
    }

    @Test func jobsSubscribedByIDDropEventsAlreadySeen() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        _ = machine.endCatchUp([Self.job], seenUpTo: [Self.job: 0], events: [], now: Self.start)
        #expect(Self.push(&machine, "p5", Self.progress(5)).0 == .queued)
        #expect(Self.push(&machine, "p4", Self.progress(4)).0 == .duplicate)
        #expect(Self.push(&machine, "p5", Self.progress(5)).0 == .duplicate)
        // Snapshot events (seq 0) are never duplicates; untracked jobs are not checked.
        #expect(Self.push(&machine, "snapshot", Self.progress(0)).0 == .queued)
        #expect(Self.push(&machine, "other", Self.progress(1, of: Self.other)).0 == .queued)
        // After an unsubscribe the job is no longer tracked.
        machine.forget([Self.job])
        #expect(Self.push(&machine, "p4 again", Self.progress(4)).0 == .queued)
    }
}
