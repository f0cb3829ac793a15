import EaselCore
import NIOCore
import Testing

@testable import EaselRealtime

/// The outbox lanes as the state machine uses them: lifecycle frames in order and within a budget, progress
/// coalesced per job only while the socket refuses data.
@Suite struct OutboxTests {
    typealias T = ConnectionStateMachineTests
    private let job = T.job

    /// A machine whose socket refuses data, with frames waiting: it is behind.
    private func behind(_ machine: inout ConnectionStateMachine) {
        _ = machine.writabilityChanged(false, now: T.start)
        _ = machine.drainDue(now: T.start)
        #expect(machine.isBehind)
    }

    @Test func progressCoalescesInPlaceWhileBehindAndLifecycleKeepsOrder() {
        var machine = T.machine()
        T.push(&machine, "started", T.lifecycle(1))
        T.push(&machine, "p2", T.progress(2))
        behind(&machine)
        #expect(T.push(&machine, "p3", T.progress(3)) == (.coalesced, .none))
        T.push(&machine, "complete", T.lifecycle(4))
        #expect(T.written(machine.writabilityChanged(true, now: T.at(1))) == "[started][p3][complete]")
        #expect(!machine.isBehind)
    }

    @Test func aConnectionThatKeepsUpGetsEveryProgressUpdate() {
        var machine = T.machine()
        #expect(T.push(&machine, "p1", T.progress(1)).0 == .queued)
        #expect(T.push(&machine, "p2", T.progress(2)).0 == .queued)
        // Behind later: only the newest waiting update is replaced.
        behind(&machine)
        #expect(T.push(&machine, "p3", T.progress(3)).0 == .coalesced)
        #expect(T.written(machine.writabilityChanged(true, now: T.at(1))) == "[p1][p3]")
    }

    @Test func eachJobCoalescesOnItsOwn() {
        var machine = T.machine()
        T.push(&machine, "a1", T.progress(1))
        T.push(&machine, "b1", T.progress(1, of: T.other))
        behind(&machine)
        T.push(&machine, "b2", T.progress(2, of: T.other))
        T.push(&machine, "a2", T.progress(2))
        #expect(T.written(machine.writabilityChanged(true, now: T.at(1))) == "[a2][b2]")
    }

    @Test func aLifecycleFrameIsNeverOvertakenByALaterProgressFrame() {
        var machine = T.machine()
        T.push(&machine, "p1", T.progress(1))
        T.push(&machine, "complete", T.lifecycle(2))
        behind(&machine)
        // p3 may not take p1's place ahead of the lifecycle frame: it is queued after it.
        #expect(T.push(&machine, "p3", T.progress(3)).0 == .queued)
        #expect(T.written(machine.writabilityChanged(true, now: T.at(1))) == "[p1][complete][p3]")
    }

    @Test func overflowingTheLifecycleBudgetClosesAsSlowConsumer() throws {
        var machine = T.machine(budget: 10)
        #expect(T.push(&machine, "1234", T.lifecycle(1)).0 == .queued)
        let (result, action) = T.push(&machine, "5678", T.lifecycle(2))
        #expect(result == .overflow)
        guard case .writeClose(_, let code, let then) = action else { throw TestFailure("no close: \(action)") }
        #expect(code == 4008)
        #expect(then == .awaitPeer(until: T.start + .seconds(5)))
        // The waiting frames are gone, nothing more is taken.
        #expect(machine.lanes.isEmpty)
        #expect(T.push(&machine, "x", nil) == (.closed, .none))
        #expect(machine.drainDue(now: T.at(1)) == .none)
    }

    @Test func progressFramesDoNotCountAgainstTheBudget() {
        var machine = T.machine(budget: 4)
        for seq in 1...20 { #expect(T.push(&machine, "p\(seq)", T.progress(seq)).0 == .queued) }
        #expect(machine.lanes.lifecycleBytes == 0)
    }

    @Test func aWriteEmptiesTheBudget() {
        var machine = T.machine(budget: 10)
        T.push(&machine, "1234", T.lifecycle(1))
        _ = machine.drainDue(now: T.start)
        #expect(T.push(&machine, "5678", T.lifecycle(2)).0 == .queued)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
