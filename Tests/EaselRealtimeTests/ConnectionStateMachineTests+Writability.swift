import NIOCore
import Testing

@testable import EaselRealtime

/// A socket that refuses data: the connection is behind from the first drain that cannot write, writability
/// resumes it, and the stall timer closes it with 4008 when it stays behind for the write timeout.
extension ConnectionStateMachineTests {
    @Test func aDrainThatCannotWriteMakesTheConnectionBehindAndStartsTheStallTimer() {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "a", nil)
        #expect(machine.drainDue(now: Self.at(2)) == .startStallTimer(at: Self.at(2) + .seconds(5)))
        #expect(machine.drain == .blocked(since: Self.at(2)))
        // While behind, pushes and replies only queue.
        #expect(Self.push(&machine, "b", nil).1 == .none)
        #expect(machine.reply(Self.frame("pong"), now: Self.at(3)) == .none)
        #expect(Self.written(machine.writabilityChanged(true, now: Self.at(4))) == "[a][b][pong]")
        #expect(machine.drain == .idle)
    }

    @Test func aReplyToASocketThatRefusesDataWaitsForWritability() {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        #expect(machine.reply(Self.frame("pong"), now: Self.start) == .scheduleDrain(after: .zero))
        #expect(machine.drainDue(now: Self.start) == .startStallTimer(at: Self.start + .seconds(5)))
        #expect(machine.isBehind)
    }

    @Test func writabilityWithNothingWaitingDoesNothing() {
        var machine = Self.machine()
        #expect(machine.writabilityChanged(false, now: Self.start) == .none)
        #expect(machine.writabilityChanged(true, now: Self.start) == .none)
        // A delayed drain is not brought forward by writability.
        Self.push(&machine, "a", nil)
        #expect(machine.writabilityChanged(true, now: Self.start) == .none)
        #expect(machine.drain == .delayed)
    }

    @Test func aSocketStillRefusingDataWhenTheStallTimerFiresIsClosedAndDropped() throws {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "a", nil)
        _ = machine.drainDue(now: Self.start)
        guard case .writeClose(let frame, 4008, .dropNow) = machine.stallTimerFired(now: Self.start + .seconds(5)) else {
            throw TestFailure("no slow-consumer close")
        }
        #expect(Array(frame.readableBytesView.prefix(4)) == [0x88, 15, 0x0F, 0xA8])
        #expect(!machine.isOpen)
        // Nothing is written after the close frame, not even when the socket takes data again.
        #expect(machine.writabilityChanged(true, now: Self.at(6_000)) == .none)
        #expect(Self.push(&machine, "late", nil).0 == .closed)
    }

    @Test func aStallTimerThatFiresAfterTheSocketRecoveredDoesNothing() {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "a", nil)
        _ = machine.drainDue(now: Self.start)
        _ = machine.writabilityChanged(true, now: Self.at(100))
        #expect(machine.stallTimerFired(now: Self.start + .seconds(5)) == .none)
        #expect(machine.isOpen)
    }

    @Test func aSocketBehindAgainIsWatchedFromItsNewStretch() {
        var machine = Self.machine()
        _ = machine.writabilityChanged(false, now: Self.start)
        Self.push(&machine, "a", nil)
        #expect(machine.drainDue(now: Self.start) == .startStallTimer(at: Self.start + .seconds(5)))
        _ = machine.writabilityChanged(true, now: Self.at(1_000))
        _ = machine.writabilityChanged(false, now: Self.at(2_000))
        Self.push(&machine, "b", nil)
        // The first timer is still set, so no second one; when it fires it re-arms for the new stretch.
        #expect(machine.drainDue(now: Self.at(3_000)) == .none)
        #expect(machine.stallTimerFired(now: Self.start + .seconds(5)) == .startStallTimer(at: Self.at(3_000) + .seconds(5)))
        guard case .writeClose(_, 4008, .dropNow) = machine.stallTimerFired(now: Self.at(8_000)) else {
            Issue.record("no slow-consumer close")
            return
        }
    }
}
