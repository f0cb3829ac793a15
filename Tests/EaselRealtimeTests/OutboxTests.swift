import EaselCore
import EaselProtocol
import EaselRealtime
import NIOCore
import Synchronization
import Testing

@Suite struct OutboxTests {
    private let job = JobID(rawValue: "job-1")

    private func drain(_ outbox: Outbox) -> [String] {
        var frames: [String] = []
        for frame in outbox.popAll() { frames.append(String(buffer: frame)) }
        return frames
    }

    @Test func progressCoalescesInPlaceWhileBlockedAndLifecycleKeepsOrder() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        outbox.push(ByteBuffer(string: "started"), event: (job, 1, false))
        outbox.push(ByteBuffer(string: "p2"), event: (job, 2, true))
        // The socket refuses data: the connection is behind, so the newer update replaces the waiting one.
        #expect(!outbox.endDrain(blocked: true))
        #expect(outbox.push(ByteBuffer(string: "p3"), event: (job, 3, true)).result == .coalesced)
        outbox.push(ByteBuffer(string: "complete"), event: (job, 4, false))
        #expect(drain(outbox) == ["started", "p3", "complete"])
    }

    @Test func aConnectionThatKeepsUpGetsEveryProgressUpdate() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        #expect(outbox.push(ByteBuffer(string: "p1"), event: (job, 1, true)).result == .queued)
        #expect(outbox.push(ByteBuffer(string: "p2"), event: (job, 2, true)).result == .queued)
        // Blocked later: only the newest waiting update is replaced.
        #expect(!outbox.endDrain(blocked: true))
        #expect(outbox.push(ByteBuffer(string: "p3"), event: (job, 3, true)).result == .coalesced)
        #expect(drain(outbox) == ["p1", "p3"])
    }

    @Test func onlyTheFirstPushOfABurstSchedulesADrain() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        #expect(outbox.push(ByteBuffer(string: "a")).needsDrain)
        #expect(!outbox.push(ByteBuffer(string: "b")).needsDrain)
        _ = drain(outbox)
        #expect(!outbox.endDrain(blocked: false))
        #expect(outbox.push(ByteBuffer(string: "c")).needsDrain)
        // A blocked drain stays scheduled: writability resumes it, pushes do not schedule another.
        #expect(!outbox.endDrain(blocked: true))
        #expect(!outbox.push(ByteBuffer(string: "d")).needsDrain)
        // Frames that arrive during a drain keep it going.
        #expect(outbox.endDrain(blocked: false))
    }

    @Test func overflowingTheLifecycleBudgetClosesAsSlowConsumer() async {
        let outbox = Outbox(maxLifecycleBytes: 10)
        #expect(outbox.push(ByteBuffer(string: "123456")).result == .queued)
        #expect(outbox.push(ByteBuffer(string: "123456")).result == .overflow)
        #expect(outbox.closeCode == .slowConsumer)
        #expect(outbox.popAll().isEmpty)
        #expect(outbox.push(ByteBuffer(string: "x")).result == .closed)
    }

    @Test func trackedJobsDropEventsAlreadySeen() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        outbox.track(job)
        #expect(outbox.push(ByteBuffer(string: "p5"), event: (job, 5, true)).result == .queued)
        #expect(outbox.push(ByteBuffer(string: "p4"), event: (job, 4, true)).result == .duplicate)
        #expect(outbox.push(ByteBuffer(string: "p5"), event: (job, 5, true)).result == .duplicate)
        #expect(outbox.push(ByteBuffer(string: "snapshot"), event: (job, 0, true)).result == .queued)
    }

    @Test func liveEventsWaitForTheCatchUpAndFollowItInOrder() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        outbox.track(job)
        outbox.hold([job])
        // Live events broadcast while the catch-up is being read: held, not queued ahead of it.
        outbox.push(ByteBuffer(string: "p3"), event: (job, 3, true))
        outbox.push(ByteBuffer(string: "p4"), event: (job, 4, true))
        #expect(drain(outbox).isEmpty)
        outbox.push(ByteBuffer(string: "started"), event: (job, 1, false), catchUp: true)
        outbox.push(ByteBuffer(string: "p3"), event: (job, 3, true), catchUp: true)
        for (frame, event) in outbox.release([job]) { outbox.push(frame, event: event) }
        // The held p3 was in the catch-up already; p4 follows it.
        #expect(drain(outbox) == ["started", "p3", "p4"])
        #expect(outbox.push(ByteBuffer(string: "p5"), event: (job, 5, true)).result == .queued)
    }

    @Test func theCloseHandlerLearnsTheCloseCodeOnce() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        let codes = Mutex<[CloseCode]>([])
        outbox.onClose { code in codes.withLock { $0.append(code) } }
        outbox.close(.goingAway)
        outbox.close(.slowConsumer)
        #expect(codes.withLock { $0 } == [.goingAway])
        // A handler set after the close learns the code at once.
        outbox.onClose { code in codes.withLock { $0.append(code) } }
        #expect(codes.withLock { $0 } == [.goingAway, .goingAway])
    }
}
