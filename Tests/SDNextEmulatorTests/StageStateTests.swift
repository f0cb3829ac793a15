import Testing

@testable import SDNextEmulator

/// The per-stage state machine replayed without I/O, against the table in reference §2.3.
@Suite struct StageStateTests {
    /// Replays one txt2img (n_iter 1, 20 steps) and checks each row of the reference table.
    @Test func txt2imgStageSequenceMatchesReferenceTable() {
        var state = StageState()
        var clock = 1000.0
        func begin(_ name: String) {
            clock += 1
            state.begin(name, id: "id-\(name)", timestamp: "2026112700000\(Int(clock) % 10)", now: clock)
        }
        #expect(state.id == .initial)
        begin("API-TXT")
        #expect(state.job == "API-TXT" && state.jobCount == 1 && state.id == .stage("id-API-TXT"))
        #expect(state.progressReading(now: clock).idle == false)
        begin("Process")
        begin("Base")
        begin("Params")
        begin("TE Encode")
        state.end(now: clock)
        state.end(now: clock)
        #expect(state.job == "" && state.jobCount == 0 && state.id == .none)
        #expect(state.progressReading(now: clock) == ProgressReading(idle: true, progress: 0, etaRelative: 0))
        state.update(steps: 20)
        #expect(state.jobCount == 1 && state.samplingSteps == 20 && state.job == "")
        #expect(state.progressReading(now: clock).idle == false)
        begin("Inference")
        #expect(state.samplingStep == 0 && state.samplingSteps == 0)
        state.step(1, of: 20)
        #expect(state.progressReading(now: clock + 1).progress == 0.05)
        state.step(10, of: 20)
        let halfway = state.progressReading(now: clock + 10)
        #expect(halfway.progress == 0.5)
        #expect(halfway.etaRelative == 10)
        state.step(20, of: 20)
        state.end(now: clock)
        #expect(state.samplingStep == 20 && state.samplingSteps == 20 && state.jobCount == 0)
        #expect(state.progressReading(now: clock) == ProgressReading(idle: false, progress: 1, etaRelative: 0))
        state.end(now: clock)
        state.nextJob()
        #expect(state.jobNo == 1)
        #expect(state.progressReading(now: clock).progress == 1)
        begin("VAE Decode")
        #expect(state.jobNo == 0 && state.samplingStep == 0 && state.progressReading(now: clock).progress == 0)
        state.end(now: clock)
        state.end(now: clock)
        state.end(now: clock)
        #expect(state.progressReading(now: clock).idle)
        #expect(state.totalJobs == 7)
        #expect(state.statusReading(now: clock).status == "idle")
    }

    @Test func beginRenewsIDAndTimestampAndEndBlanksThem() {
        var state = StageState()
        state.begin("Base", id: "aaaaaaaaaaaaaaa", timestamp: "20261127010101", now: 1)
        state.begin("Params", id: "bbbbbbbbbbbbbbb", timestamp: "20261127010102", now: 2)
        #expect(state.id == .stage("bbbbbbbbbbbbbbb") && state.jobTimestamp == "20261127010102")
        state.end(now: 3)
        #expect(state.id == .none && state.job == "" && state.jobTimestamp == "20261127010102")
        #expect(state.id.json == "")
        #expect(StageState().id.json == 0)
    }

    @Test func progressRoundsToTwoDecimalsAndMeasuresEtaFromStageStart() {
        var state = StageState()
        state.begin("Inference", id: "x", timestamp: "t", now: 100)
        state.step(1, of: 3)
        let reading = state.progressReading(now: 101)
        #expect(reading.progress == 0.33)
        #expect(reading.etaRelative == 2)
        state.step(2, of: 3)
        #expect(state.progressReading(now: 102).progress == 0.67)
    }

    @Test func samplerOvershootGrowsStepsPersistently() {
        var state = StageState()
        state.begin("Inference", id: "x", timestamp: "t", now: 0)
        state.step(25, of: 20)
        state.samplingSteps = 20
        state.samplingStep = 25
        let reading = state.progressReading(now: 1)
        #expect(state.samplingSteps == 40)
        #expect(reading.progress == 0.62, "25/40 = 0.625 rounds half-to-even, as Python's round does")
    }

    @Test func interruptAndSkipAreStickyUntilNextBegin() {
        var state = StageState()
        state.begin("Inference", id: "x", timestamp: "t", now: 0)
        state.interrupt()
        state.skip()
        state.end(now: 1)
        #expect(state.interrupted && state.skipped)
        #expect(state.statusReading(now: 2).status == "interrupted")
        state.begin("Save image", id: "y", timestamp: "t", now: 3)
        #expect(state.interrupted && !state.skipped)
        state.begin("Process", id: "z", timestamp: "t", now: 4)
        #expect(!state.interrupted)
        #expect(state.statusReading(now: 4).status == "running")
    }

    @Test func statusPrefersInterruptedOverSkippedAndCountsBegins() {
        var state = StageState()
        #expect(state.statusReading(now: 0).elapsed == nil)
        state.begin("A", id: "1", timestamp: "t", now: 0)
        state.begin("B", id: "2", timestamp: "t", now: 0)
        state.skip()
        #expect(state.statusReading(now: 1).status == "skipped")
        state.interrupt()
        #expect(state.statusReading(now: 1).status == "interrupted")
        #expect(state.totalJobs == 2)
    }

    @Test func statusScalesStepsByJobs() {
        var state = StageState()
        state.begin("Inference", id: "1", timestamp: "t", now: 0)
        state.step(10, of: 20)
        let status = state.statusReading(now: 5)
        #expect(status.step == 10 && status.steps == 20 && status.job == 0 && status.jobs == 1)
        #expect(status.progress == 0.5 && status.elapsed == 5 && status.eta == 5)
    }

    @Test func pythonRoundingIsHalfToEven() {
        #expect(roundTo2(0.125) == 0.12)
        #expect(roundTo2(0.375) == 0.38)
        #expect(roundTo2(1) == 1)
    }
}
