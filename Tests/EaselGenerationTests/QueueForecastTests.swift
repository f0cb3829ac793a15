import EaselCore
import EaselGeneration
import Testing

/// Queue positions and expected starts, computed without I/O: who is ahead of whom when backends can run different
/// jobs, and how the busy backends' remaining steps and each backend's speed move the start times.
@Suite struct QueueForecastTests {
    private func job(_ name: String, _ backends: Set<String>, steps: Int = 10) -> QueueForecast.Queued {
        QueueForecast.Queued(id: JobID(rawValue: name), backends: backends, steps: steps)
    }

    private func speed(_ backend: String) -> Double { backend == "a" ? 1 : 2 }

    private func figures(_ queued: [QueueForecast.Queued], busy: [String: Int] = [:], paused: Bool = false) -> [String: QueueForecast.Figures] {
        let figures = QueueForecast.figures(queued: queued, remainingSteps: busy, secondsPerStep: speed, paused: paused)
        return Dictionary(uniqueKeysWithValues: figures.map { ($0.key.rawValue, $0.value) })
    }

    @Test func twoGroupsOfBackendsKeepTheirOwnLinesAndAJobEitherCanRunCountsBoth() {
        // "a" has model x, "b" model y; j4 needs nothing, so either can run it.
        let result = figures([job("j1", ["a"]), job("j2", ["b"]), job("j3", ["a"]), job("j4", ["a", "b"]), job("j5", ["b"])])
        #expect(result.mapValues(\.position) == ["j1": 1, "j2": 1, "j3": 2, "j4": 4, "j5": 3])
        // 10 steps each; "a" takes 1 s a step, "b" 2 s. j4 goes to whichever frees first ("a", by name, on a tie).
        #expect(result.mapValues(\.etaSeconds) == ["j1": 0, "j2": 0, "j3": 10, "j4": 20, "j5": 20])
    }

    @Test func aJobOnlyOneGroupCanRunWaitsForThatGroupsRunningJob() {
        let result = figures([job("only a", ["a"]), job("either", ["a", "b"])], busy: ["a": 5, "b": 3])
        #expect(result["only a"] == QueueForecast.Figures(position: 1, etaSeconds: 5))
        // "b" frees at 6 s, "a" at 15 s (after "only a").
        #expect(result["either"] == QueueForecast.Figures(position: 2, etaSeconds: 6))
    }

    @Test func theFirstJobStartsAndTheOthersMoveUp() {
        let before = figures([job("j1", ["a"]), job("j2", ["a"]), job("j3", ["a"])])
        #expect(before.mapValues(\.position) == ["j1": 1, "j2": 2, "j3": 3])
        let after = figures([job("j2", ["a"]), job("j3", ["a"])], busy: ["a": 10])
        #expect(after.mapValues(\.position) == ["j2": 1, "j3": 2])
        #expect(after.mapValues(\.etaSeconds) == ["j2": 10, "j3": 20])
    }

    @Test func aPausedQueueHasPositionsButNoStartTimes() {
        let result = figures([job("j1", ["a"]), job("j2", ["a"])], paused: true)
        #expect(result["j2"] == QueueForecast.Figures(position: 2, etaSeconds: nil))
    }

    @Test func aJobNoBackendCanRunHasNoStartTimeAndCountsOnlyItsKind() {
        let result = figures([job("runs", ["a"]), job("stuck 1", []), job("stuck 2", [])])
        #expect(result["stuck 1"] == QueueForecast.Figures(position: 1, etaSeconds: nil))
        #expect(result["stuck 2"] == QueueForecast.Figures(position: 2, etaSeconds: nil))
        #expect(result["runs"]?.position == 1)
    }
}
