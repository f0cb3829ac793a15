import EaselClient
import EaselCore
import Testing

@Suite struct ProgressBarRendererTests {
    private func row(
        _ status: JobStatus, fraction: Double, step: Int? = nil, total: Int? = nil, eta: Double? = nil,
        finished: Bool = false, error: String? = nil
    ) -> JobProgressRow {
        var row = JobProgressRow(jobID: JobID(rawValue: "1a2b3c4d-0000-4000-8000-000000000000"))
        row.status = status
        row.fraction = fraction
        row.currentStep = step
        row.totalSteps = total
        row.etaSeconds = eta
        row.isFinished = finished
        row.errorMessage = error
        return row
    }

    @Test(arguments: [
        (0.0, "[----------]"), (0.05, "[----------]"), (0.1, "[#---------]"), (0.99, "[#########-]"),
        (1.0, "[##########]"), (1.7, "[##########]"), (-1.0, "[----------]"), (Double.nan, "[----------]"),
    ])
    func barsFillInWholeCellsRoundingDown(fraction: Double, expected: String) {
        #expect(ProgressBarRenderer.bar(fraction: fraction, cells: 10) == expected)
    }

    @Test func percentReaches100OnlyWhenDone() {
        #expect(ProgressBarRenderer.percent(0) == "  0%")
        #expect(ProgressBarRenderer.percent(0.456) == " 45%")
        #expect(ProgressBarRenderer.percent(0.999) == " 99%")
        #expect(ProgressBarRenderer.percent(0.29) == " 29%")
        #expect(ProgressBarRenderer.percent(1) == "100%")
    }

    @Test func etaIsWholeSecondsOrMinutesAndGoneWhenFinished() {
        #expect(ProgressBarRenderer.eta(row(.processing, fraction: 0.5, eta: 2.2)) == "ETA 3s")
        #expect(ProgressBarRenderer.eta(row(.processing, fraction: 0.5, eta: 125)) == "ETA 2m05s")
        #expect(ProgressBarRenderer.eta(row(.queued, fraction: 0)) == "ETA -")
        #expect(ProgressBarRenderer.eta(row(.completed, fraction: 1, eta: 3, finished: true)) == "")
    }

    @Test func aTerminalLineHasBarPercentStepsETAAndStatus() {
        let line = ProgressBarRenderer.line(row(.processing, fraction: 0.6, step: 12, total: 20, eta: 3), width: 80)
        #expect(line == "1a2b3c4d [###################-------------]  60%  step 12/20  ETA 3s  processing")
        #expect(line.count == 80, "the bar takes the room the text leaves")
    }

    @Test func aNarrowTerminalShrinksTheBarThenCutsTheLine() {
        let progress = row(.processing, fraction: 0.5, step: 5, total: 10, eta: 1)
        let medium = ProgressBarRenderer.line(progress, width: 60)
        #expect(medium == "1a2b3c4d [######-------]  50%  step 5/10  ETA 1s  processing")
        let narrow = ProgressBarRenderer.line(progress, width: 30)
        #expect(narrow.count == 30)
        #expect(narrow.hasPrefix("1a2b3c4d [#####-----]"))
        #expect(narrow.hasSuffix("…"))
    }

    @Test func aFailedJobShowsItsError() {
        let failed = row(.failed, fraction: 0.3, step: 3, total: 10, finished: true, error: "CUDA out of memory")
        #expect(ProgressBarRenderer.line(failed, width: 100).hasSuffix("  30%  step 3/10  failed: CUDA out of memory"))
        #expect(ProgressBarRenderer.plainLine(failed)
            == "job 1a2b3c4d-0000-4000-8000-000000000000: failed 30% step 3/10 error: CUDA out of memory")
    }

    @Test func plainLinesNameTheWholeJobID() {
        #expect(ProgressBarRenderer.plainLine(row(.processing, fraction: 0.45, step: 9, total: 20, eta: 3))
            == "job 1a2b3c4d-0000-4000-8000-000000000000: processing 45% step 9/20 ETA 3s")
        var done = row(.completed, fraction: 1, step: 20, total: 20, finished: true)
        done.images = ["/a", "/b"]
        #expect(ProgressBarRenderer.plainLine(done) == "job 1a2b3c4d-0000-4000-8000-000000000000: completed 100% step 20/20 2 images")
        #expect(ProgressBarRenderer.plainLine(row(.queued, fraction: 0))
            == "job 1a2b3c4d-0000-4000-8000-000000000000: queued 0% step -/- ETA -")
    }
}
