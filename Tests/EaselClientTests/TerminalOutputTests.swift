import EaselClient
import EaselCore
import Testing

@Suite struct TerminalOutputTests {
    @Test func theFirstFrameIsPlainLines() {
        #expect(TerminalFrame.redraw(lines: ["a", "b"], previousLineCount: 0) == "\u{1B}[2Ka\n\u{1B}[2Kb\n")
    }

    @Test func laterFramesMoveUpOverTheBlockRewriteItAndEraseWhatIsLeft() {
        let frame = TerminalFrame.redraw(lines: ["x"], notices: ["note"], previousLineCount: 2)
        #expect(frame == "\r\u{1B}[2A\u{1B}[2Knote\n\u{1B}[2Kx\n\u{1B}[J")
    }

    @Test func aTerminalDisplayRedrawsTheWholeBlockInPlace() {
        var written: [String] = []
        var display = TerminalProgressDisplay(width: 60) { written.append($0) }
        let first = JobID(rawValue: "aaaaaaaa-1"), second = JobID(rawValue: "bbbbbbbb-2")
        var board = ProgressBoard(scope: .jobs([first, second]))
        board.apply(.job(JobEvent(jobID: first, seq: 2, timestamp: .now, kind: .progress(
            JobProgressState(status: .processing, fraction: 0.5, currentStep: 5, totalSteps: 10)))))
        display.show(board, changed: first)
        display.notice("connection lost")
        #expect(written.count == 2)
        #expect(written[0].hasPrefix("\u{1B}[2Kaaaaaaaa ["))
        #expect(written[0].components(separatedBy: "\n").count == 3)
        #expect(written[1].hasPrefix("\r\u{1B}[2A\u{1B}[2Kconnection lost\n\u{1B}[2Kaaaaaaaa ["))
        #expect(written[1].hasSuffix("queued\n\u{1B}[J"))
    }

    @Test func aPlainDisplaySkipsUpdatesThatOnlyMoveTheETA() {
        var written: [String] = []
        var display = PlainProgressDisplay { written.append($0) }
        let job = JobID(rawValue: "job-1")
        var board = ProgressBoard(scope: .jobs([job]))
        for (fraction, eta) in [(0.5, 4.0), (0.5, 3.0), (0.6, 2.0)] {
            board.apply(.job(JobEvent(jobID: job, seq: 1, timestamp: .now, kind: .progress(
                JobProgressState(status: .processing, fraction: fraction, currentStep: nil, totalSteps: nil, etaSeconds: eta)))))
            display.show(board, changed: job)
        }
        #expect(written == ["job job-1: processing 50% step -/- ETA 4s\n", "job job-1: processing 60% step -/- ETA 2s\n"])
    }

    @Test func tablesAlignColumnsAndCutLongCells() {
        let table = TableFormatter.format(
            header: ["ID", "STATUS", "PROMPT"],
            rows: [["1", "completed", "a red fox"], ["22", "queued"], ["3", "failed", String(repeating: "x", count: 60)]])
        let lines = table.components(separatedBy: "\n")
        #expect(lines[0] == "ID  STATUS     PROMPT")
        #expect(lines[1] == "1   completed  a red fox")
        #expect(lines[2] == "22  queued")
        #expect(lines[3] == "3   failed     " + String(repeating: "x", count: 47) + "…")
    }
}
