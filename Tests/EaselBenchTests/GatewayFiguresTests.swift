import EaselBenchKit
import Foundation
import Testing

/// The gateway burst's figures from job records: how many jobs ran side by side, and on which backends.
struct BusyIntervalTests {
    private func interval(_ backend: String, _ start: Double, _ end: Double) -> BusyInterval {
        BusyInterval(backend: backend, start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end))
    }

    @Test func theMostOverlappingIntervalsAreCounted() {
        let intervals = [
            interval("a", 0, 10), interval("b", 1, 4), interval("c", 2, 3), interval("d", 5, 8), interval("b", 4, 6),
        ]
        #expect(BusyInterval.maximumOverlap(intervals) == 3)
        #expect(BusyInterval.maximumOverlap([]) == 0)
        #expect(BusyInterval.maximumOverlap([interval("a", 0, 1)]) == 1)
    }

    @Test func anIntervalEndingAsAnotherStartsDoesNotOverlapIt() {
        let backToBack = [interval("a", 0, 1), interval("a", 1, 2), interval("a", 2, 3)]
        #expect(BusyInterval.maximumOverlap(backToBack) == 1)
        #expect(BusyInterval.maximumOverlap(backToBack + [interval("b", 0.5, 2.5)]) == 2)
    }

    @Test func jobsAreCountedPerBackend() {
        let intervals = [interval("a", 0, 1), interval("b", 0, 1), interval("a", 1, 2)]
        #expect(BusyInterval.jobsPerBackend(intervals) == ["a": 2, "b": 1])
        #expect(BusyInterval.jobsPerBackend([]).isEmpty)
    }
}

/// The split of a call's time between the client's clock and the job's record.
struct JobPhasesTests {
    private func call(at base: Double, _ offsets: [Double]) -> JobPhases {
        let dates = offsets.map { Date(timeIntervalSince1970: base + $0 / 1000) }
        return JobPhases(sent: dates[0], created: dates[1], started: dates[2], finished: dates[3], received: dates[4])
    }

    @Test func eachPhaseIsTheGapBetweenTwoTimestamps() {
        let phases = call(at: 100, [0, 1, 3, 33, 37]).milliseconds
        #expect(phases.map(\.phase) == ["sent → job stored", "stored → started on backend", "started → finished", "finished → answer received"])
        for (measured, expected) in zip(phases.map(\.value), [1.0, 2, 30, 4]) { #expect(abs(measured - expected) < 0.01) }
    }

    @Test func mediansAreTakenPerPhase() {
        let calls = [call(at: 0, [0, 1, 2, 12, 13]), call(at: 50, [0, 5, 6, 36, 37]), call(at: 90, [0, 2, 3, 23, 33])]
        let medians = JobPhases.medians(calls).map(\.value)
        for (measured, expected) in zip(medians, [2.0, 1, 20, 1]) { #expect(abs(measured - expected) < 0.01) }
        #expect(JobPhases.medians([]).isEmpty)
    }
}
