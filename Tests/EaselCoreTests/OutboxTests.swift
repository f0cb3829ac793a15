import EaselCore
import EaselProtocol
import EaselRealtime
import NIOCore
import Testing

@Suite struct OutboxTests {
    private let job = JobID(rawValue: "job-1")

    @Test func progressCoalescesInPlaceAndLifecycleKeepsOrder() async {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        outbox.push(ByteBuffer(string: "started"), event: (job, 1, false))
        outbox.push(ByteBuffer(string: "p2"), event: (job, 2, true))
        #expect(outbox.push(ByteBuffer(string: "p3"), event: (job, 3, true)) == .coalesced)
        outbox.push(ByteBuffer(string: "complete"), event: (job, 4, false))
        var frames: [String] = []
        for _ in 0..<3 {
            if let frame = await outbox.next() { frames.append(String(buffer: frame)) }
        }
        #expect(frames == ["started", "p3", "complete"])
    }

    @Test func overflowingTheLifecycleBudgetClosesAsSlowConsumer() async {
        let outbox = Outbox(maxLifecycleBytes: 10)
        #expect(outbox.push(ByteBuffer(string: "123456")) == .queued)
        #expect(outbox.push(ByteBuffer(string: "123456")) == .overflow)
        #expect(outbox.closeCode == .slowConsumer)
        #expect(await outbox.next() == nil)
        #expect(outbox.push(ByteBuffer(string: "x")) == .closed)
    }

    @Test func trackedJobsDropEventsAlreadySeen() {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        outbox.track(job)
        #expect(outbox.push(ByteBuffer(string: "p5"), event: (job, 5, true)) == .queued)
        #expect(outbox.push(ByteBuffer(string: "p4"), event: (job, 4, true)) == .duplicate)
        #expect(outbox.push(ByteBuffer(string: "p5"), event: (job, 5, true)) == .duplicate)
    }

    @Test func aWaitingReaderGetsTheNextFrame() async {
        let outbox = Outbox(maxLifecycleBytes: 1_000)
        async let frame = outbox.next()
        outbox.push(ByteBuffer(string: "hello"))
        #expect(await frame.map { String(buffer: $0) } == "hello")
    }
}
