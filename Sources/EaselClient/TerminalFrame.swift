/// ANSI text that redraws a block of lines in place: the cursor goes back up over the block last drawn, each
/// line is cleared and rewritten, and anything left below is erased. Notices are printed above the new block,
/// so they scroll away with the terminal's history while the bars stay at the bottom.
public enum TerminalFrame {
    static let escape = "\u{1B}["

    /// - Parameters:
    ///   - lines: the block to show now; each must fit the terminal width (see `ProgressBarRenderer.line`).
    ///   - notices: lines to print once above the block ("reconnecting…").
    ///   - previousLineCount: how many lines the last frame drew (0 for the first).
    public static func redraw(lines: [String], notices: [String] = [], previousLineCount: Int) -> String {
        var text = previousLineCount > 0 ? "\r\(escape)\(previousLineCount)A" : ""
        for line in notices + lines {
            text += "\(escape)2K" + line + "\n"
        }
        if previousLineCount > 0 { text += "\(escape)J" }
        return text
    }
}
