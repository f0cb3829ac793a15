import EaselCore
import NIOCore
import Testing

@testable import EaselRealtime

/// Previews as a lane of their own: written after every other waiting frame, given up for the plain frame when a
/// newer frame of the job comes or the socket falls behind, and capped per connection in rate and size.
@Suite struct PreviewLaneTests {
    typealias T = ConnectionStateMachineTests
    static let third = JobID(rawValue: "job-3")

    static func machine(perSecond: Double = 1_000, maxBytes: Int = 1_000, budget: Int = 1_000) -> ConnectionStateMachine {
        ConnectionStateMachine(configuration: .init(
            maxLifecycleBytes: budget, writeDelay: .milliseconds(2), writeTimeout: .seconds(5), closeTimeout: .seconds(5),
            previewCap: PreviewCap(perSecond: perSecond, maxBytes: maxBytes)))
    }

    @discardableResult
    static func push(
        _ machine: inout ConnectionStateMachine, _ name: String, _ event: EventTag, preview: String? = nil, at milliseconds: Int64 = 0
    ) -> ConnectionStateMachine.PushResult {
        machine.push(T.frame(name), preview: preview.map(T.frame), event: event, now: T.at(milliseconds)).0
    }

    @Test func aPreviewIsWrittenAfterEveryOtherWaitingFrame() {
        var machine = Self.machine()
        Self.push(&machine, "a1", T.progress(1), preview: "a1+preview")
        Self.push(&machine, "b1", T.progress(1, of: T.other))
        Self.push(&machine, "c started", T.lifecycle(1, of: Self.third))
        #expect(T.drained(&machine) == "[b1][c started][a1+preview]")
    }

    @Test func aNewerFrameOfTheSameJobTurnsTheWaitingPreviewIntoItsPlainFrameInOrder() {
        var machine = Self.machine()
        Self.push(&machine, "p1", T.progress(1), preview: "p1+preview")
        Self.push(&machine, "complete", T.lifecycle(2))
        #expect(T.drained(&machine) == "[p1][complete]")

        Self.push(&machine, "q1", T.progress(1, of: T.other), preview: "q1+preview", at: 10)
        Self.push(&machine, "q2", T.progress(2, of: T.other), preview: "q2+preview", at: 20)
        // A client that keeps up still gets every update; only the newest carries its preview.
        #expect(T.drained(&machine) == "[q1][q2+preview]")
    }

    @Test func waitingPreviewsAreTheFirstThingABlockedSocketLoses() {
        var machine = Self.machine()
        Self.push(&machine, "started", T.lifecycle(1))
        Self.push(&machine, "p2", T.progress(2), preview: "p2+preview")
        _ = machine.writabilityChanged(false, now: T.start)
        #expect(machine.lanes.previewCount == 0)
        // While behind, a new update comes without its preview and takes the place of the waiting one.
        #expect(Self.push(&machine, "p3", T.progress(3), preview: "p3+preview", at: 10) == .queued)
        _ = machine.drainDue(now: T.at(10))
        #expect(Self.push(&machine, "p4", T.progress(4), preview: "p4+preview", at: 20) == .coalesced)
        Self.push(&machine, "complete", T.lifecycle(5))
        #expect(T.written(machine.writabilityChanged(true, now: T.at(30))) == "[started][p2][p4][complete]")
        // Caught up: previews again.
        Self.push(&machine, "later", T.progress(1, of: T.other), preview: "later+preview", at: 40)
        #expect(T.drained(&machine, at: T.at(42)) == "[later+preview]")
    }

    @Test func previewsPassAtMostAtTheCapsRate() {
        var machine = Self.machine(perSecond: 2)
        var written: [String] = []
        for tick in 0..<20 {
            let at = Int64(tick) * 100
            Self.push(&machine, "p\(tick)", T.progress(tick + 1), preview: "p\(tick)+preview", at: at)
            written.append(T.drained(&machine, at: T.at(at + 2)) ?? "")
        }
        let previews = written.filter { $0.hasSuffix("+preview]") }
        // Every 500 ms, each let through up to a quarter interval early: 0, 400, 900, 1400, 1900.
        #expect(previews == ["[p0+preview]", "[p4+preview]", "[p9+preview]", "[p14+preview]", "[p19+preview]"])
        // The other updates went out, without their previews.
        #expect(written.count == 20 && written.allSatisfy { !$0.isEmpty })
    }

    @Test func aPreviewOverTheSizeCapIsLeftOutAndThePlainFrameSent() {
        var machine = Self.machine(maxBytes: 12)
        Self.push(&machine, "p1", T.progress(1), preview: "p1+big preview")
        #expect(T.drained(&machine) == "[p1]")
        Self.push(&machine, "p2", T.progress(2), preview: "p2+small", at: 10)
        #expect(T.drained(&machine, at: T.at(12)) == "[p2+small]")
    }

    @Test func aSubscriberMayLowerTheCapButNeverRaiseIt() {
        var machine = Self.machine(perSecond: 2, maxBytes: 100)
        machine.limitPreviews(perSecond: 10, maxBytes: 8)
        #expect(machine.previewGate.cap == PreviewCap(perSecond: 2, maxBytes: 8))
        machine.limitPreviews(perSecond: 0.5, maxBytes: nil)
        #expect(machine.previewGate.cap == PreviewCap(perSecond: 0.5, maxBytes: 100))
    }

    @Test func previewBytesDoNotCountAgainstTheLifecycleBudget() {
        var machine = Self.machine(budget: 12)
        Self.push(&machine, "p1", T.progress(1), preview: String(repeating: "x", count: 200))
        #expect(Self.push(&machine, "other done", T.lifecycle(1, of: T.other)) == .queued)
        #expect(machine.lanes.lifecycleBytes == 12)
    }

    @Test func liveEventsHeldForACatchUpGoWithoutTheirPreviews() {
        var machine = Self.machine()
        machine.beginCatchUp([T.job])
        #expect(Self.push(&machine, "p2", T.progress(2), preview: "p2+preview") == .held)
        let action = machine.endCatchUp([T.job], seenUpTo: [T.job: 0], events: [(T.frame("started"), T.lifecycle(1))], now: T.start)
        #expect(T.replyWritten(&machine, action) == "[started][p2]")
    }
}
