import EaselCore
import NIOCore
import Testing

@testable import EaselRealtime

/// A late subscriber's catch-up: live events of the job wait, then follow the catch-up in `seq` order, and what the
/// catch-up already delivered is not sent twice.
extension ConnectionStateMachineTests {
    private static func events(_ items: [(String, EventTag)]) -> [(frame: ByteBuffer, event: EventTag)] {
        items.map { (frame($0.0), $0.1) }
    }

    @Test func liveEventsWaitForTheCatchUpAndFollowItInOrder() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        // Live events broadcast while the catch-up is being read: held, not queued ahead of it.
        #expect(Self.push(&machine, "p3", Self.progress(3)) == (.held, .none))
        #expect(Self.push(&machine, "p4", Self.progress(4)) == (.held, .none))
        #expect(machine.lanes.isEmpty)
        let action = machine.endCatchUp(
            [Self.job], seenUpTo: [Self.job: 0], events: Self.events([("started", Self.lifecycle(1)), ("p3", Self.progress(3))]),
            now: Self.start)
        // The held p3 was in the catch-up already; p4 follows it. Written as a reply, in one write.
        #expect(Self.replyWritten(&machine, action) == "[started][p3][p4]")
        #expect(Self.push(&machine, "p5", Self.progress(5)).0 == .queued)
    }

    @Test func aResumeCountsEventsUpToItsPositionAsDelivered() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        Self.push(&machine, "p6", Self.progress(6))
        let action = machine.endCatchUp(
            [Self.job], seenUpTo: [Self.job: 4], events: Self.events([("p5", Self.progress(5))]), now: Self.start)
        #expect(Self.replyWritten(&machine, action) == "[p5][p6]")
        #expect(Self.push(&machine, "p4", Self.progress(4)).0 == .duplicate)
    }

    @Test func otherJobsAreNotHeld() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        #expect(Self.push(&machine, "other", Self.progress(1, of: Self.other)).0 == .queued)
        #expect(Self.push(&machine, "mine", Self.progress(1)).0 == .held)
    }

    @Test func aSnapshotCatchUpIsFollowedByEveryLaterLiveEvent() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        Self.push(&machine, "p7", Self.progress(7))
        // A snapshot rebuilt from the store has seq 0: it is never a duplicate and hides nothing after it.
        let action = machine.endCatchUp(
            [Self.job], seenUpTo: [Self.job: 0], events: Self.events([("snapshot", Self.progress(0))]), now: Self.start)
        #expect(Self.replyWritten(&machine, action) == "[snapshot][p7]")
    }

    @Test func aRefusedSubscribeReleasesWhatWasHeld() {
        var machine = Self.machine()
        machine.beginCatchUp([Self.job])
        Self.push(&machine, "p2", Self.progress(2))
        // Nothing to catch up and nothing tracked (the subscribe was over the limit): the held event still goes out.
        let action = machine.endCatchUp([Self.job], seenUpTo: [:], events: [], now: Self.start)
        #expect(Self.replyWritten(&machine, action) == "[p2]")
        #expect(Self.push(&machine, "p2 again", Self.progress(2)).0 == .queued)
    }

    @Test func aCatchUpJoinsADelayedWriteAndWaitsWhileBehind() {
        var machine = Self.machine()
        Self.push(&machine, "live", Self.progress(1, of: Self.other))
        machine.beginCatchUp([Self.job])
        #expect(machine.endCatchUp([Self.job], seenUpTo: [:], events: Self.events([("started", Self.lifecycle(1))]), now: Self.start) == .none)
        #expect(Self.drained(&machine) == "[live][started]")
    }

    @Test func aCatchUpOverTheBudgetClosesAsSlowConsumer() throws {
        var machine = Self.machine(budget: 12)
        machine.beginCatchUp([Self.job])
        let events = Self.events([("aaaa", Self.lifecycle(1)), ("bbbb", Self.lifecycle(2)), ("cccc", Self.lifecycle(3))])
        guard case .writeClose(_, 4008, _) = machine.endCatchUp([Self.job], seenUpTo: [:], events: events, now: Self.start) else {
            throw TestFailure("no slow-consumer close")
        }
        #expect(!machine.isOpen)
    }

    @Test func aClosedConnectionHoldsNothing() {
        var machine = Self.machine()
        _ = machine.requestClose(.goingAway, now: Self.start)
        machine.beginCatchUp([Self.job])
        #expect(Self.push(&machine, "p1", Self.progress(1)).0 == .closed)
        #expect(machine.endCatchUp([Self.job], seenUpTo: [:], events: Self.events([("x", Self.lifecycle(1))]), now: Self.start) == .none)
    }
}
