import EaselCore

/// Where a watch shows its board: a terminal redrawn in place, or plain appended lines for pipes and logs.
public protocol ProgressDisplay {
    /// The board changed (`changed` names the job); show its new state.
    mutating func show(_ board: ProgressBoard, changed: JobID)
    /// A one-off line about the watch itself, such as a dropped connection.
    mutating func notice(_ text: String)
}

/// Bars redrawn in place with ANSI cursor movement; the block keeps the most recent `maxRows` jobs.
public struct TerminalProgressDisplay: ProgressDisplay {
    private let width: Int
    private let maxRows: Int
    private let write: (String) -> Void
    private var drawnLines = 0
    private var lastBoard: ProgressBoard?

    /// - Parameters:
    ///   - width: terminal columns; lines are cut to fit, since a wrapped line breaks the redraw.
    ///   - maxRows: most bars shown at once (the newest jobs). Default 20.
    ///   - write: receives the text to print, escape sequences included.
    public init(width: Int, maxRows: Int = 20, write: @escaping (String) -> Void) {
        self.width = max(20, width)
        self.maxRows = max(1, maxRows)
        self.write = write
    }

    public mutating func show(_ board: ProgressBoard, changed: JobID) {
        lastBoard = board
        draw(notices: [])
    }

    public mutating func notice(_ text: String) {
        draw(notices: [ProgressBarRenderer.fit(text, width: width)])
    }

    private mutating func draw(notices: [String]) {
        let rows = (lastBoard?.rows ?? []).suffix(maxRows)
        let lines = rows.map { ProgressBarRenderer.line($0, width: width - 1) }
        write(TerminalFrame.redraw(lines: lines, notices: notices, previousLineCount: drawnLines))
        drawnLines = lines.count
    }
}

/// One line per visible change (status, percent or step; not every ETA tick), for output that is not a terminal.
public struct PlainProgressDisplay: ProgressDisplay {
    private let write: (String) -> Void
    private var lastLines: [JobID: String] = [:]

    public init(write: @escaping (String) -> Void) {
        self.write = write
    }

    public mutating func show(_ board: ProgressBoard, changed: JobID) {
        guard var row = board.rows.first(where: { $0.jobID == changed }) else { return }
        let withETA = ProgressBarRenderer.plainLine(row)
        row.etaSeconds = nil
        let key = ProgressBarRenderer.plainLine(row)
        guard lastLines[changed] != key else { return }
        lastLines[changed] = key
        write(withETA + "\n")
    }

    public mutating func notice(_ text: String) {
        write(text + "\n")
    }
}
