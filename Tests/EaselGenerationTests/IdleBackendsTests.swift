@testable import EaselGeneration
import Testing

/// The dispatch state machine, without tasks: which waiting loop a new job wakes.
@Suite struct IdleBackendsTests {
    @Test func aJobWakesOneWaitingLoopNotAll() {
        var idle = IdleBackends(loops: 3)
        for id in 0..<3 { #expect(idle.loopWillWait(id) == .none) }
        #expect(idle.jobsArrived() == .wake([0]))
        #expect(idle.waiting == [1, 2] && idle.permits == 0)
    }

    @Test func severalJobsWakeAsManyLoopsInTheOrderTheyWaited() {
        var idle = IdleBackends(loops: 3)
        #expect(idle.loopWillWait(7) == .none)
        #expect(idle.loopWillWait(8) == .none)
        #expect(idle.jobsArrived(5) == .wake([7, 8]))
        #expect(idle.permits == 3)
    }

    @Test func aJobThatFindsNoWaiterLeavesAPermitForTheNextLoopAboutToWait() {
        var idle = IdleBackends(loops: 2)
        #expect(idle.jobsArrived() == .none)
        #expect(idle.permits == 1)
        #expect(idle.loopWillWait(0) == .claimNow)
        #expect(idle.loopWillWait(1) == .none)
        #expect(idle.permits == 0 && idle.waiting == [1])
    }

    @Test func permitsNeverExceedTheNumberOfLoops() {
        var idle = IdleBackends(loops: 2)
        #expect(idle.jobsArrived(100) == .none)
        #expect(idle.permits == 2)
    }

    @Test func aLoopThatStopsWaitingIsNotWoken() {
        var idle = IdleBackends(loops: 2)
        _ = idle.loopWillWait(0)
        _ = idle.loopWillWait(1)
        idle.loopStoppedWaiting(0)
        #expect(idle.jobsArrived() == .wake([1]))
        #expect(idle.jobsArrived(0) == .none)
    }
}

/// The signal around the state machine, with real tasks.
@Suite struct DispatchSignalTests {
    @Test func aJobAnnouncedBeforeTheWaitIsNotLost() async {
        let signal = DispatchSignal(loops: 1)
        signal.jobsArrived()
        #expect(await signal.waitForJob(timeout: .seconds(60)))
    }

    @Test func aWaitWithoutJobsEndsAtItsTimeout() async {
        let signal = DispatchSignal(loops: 1)
        #expect(await signal.waitForJob(timeout: .milliseconds(20)) == false)
    }

    @Test func aWaitingLoopIsWokenByTheNextJob() async {
        let signal = DispatchSignal(loops: 1)
        async let woken = signal.waitForJob(timeout: .seconds(60))
        // Announced before or after the waiter registers, the job reaches it: as a wake-up or as a permit.
        signal.jobsArrived()
        #expect(await woken)
    }

    @Test func cancellingTheWaitingTaskEndsTheWait() async {
        let signal = DispatchSignal(loops: 1)
        let waiter = Task { await signal.waitForJob(timeout: .seconds(60)) }
        waiter.cancel()
        #expect(await waiter.value == false)
    }
}
