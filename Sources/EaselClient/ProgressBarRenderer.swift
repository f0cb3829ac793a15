import EaselCore

/// Turns a job's row into text: a fixed-width bar line for a terminal and a plain sentence for logs and pipes.
/// Pure functions, so every layout is unit-tested without a terminal.
public enum ProgressBarRenderer {
    /// Characters of the job id shown on a bar line; enough to tell jobs apart at a glance.
    public static let shortIDLength = 8
    /// Narrowest and widest bar, in cells between the brackets.
    public static let barWidths = 10...40

    /// `[##########----------]` for `fraction` (clamped to 0...1) in `cells` cells; rounds down, so a full bar
    /// means done.
    public static func bar(fraction: Double, cells: Int) -> String {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let filled = Int((clamped * Double(cells)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: cells - filled) + "]"
    }

    /// Whole percent, rounded down so 100 % appears only when the job is done: `" 45%"`.
    public static func percent(_ fraction: Double) -> String {
        let value = fraction.isFinite ? Int((min(1, max(0, fraction)) * 100 + 1e-9).rounded(.down)) : 0
        let text = "\(value)%"
        return String(repeating: " ", count: max(0, 4 - text.count)) + text
    }

    /// `step 9/20`, with `-` for what is not known yet.
    public static func steps(_ row: JobProgressRow) -> String {
        "step \(row.currentStep.map(String.init) ?? "-")/\(row.totalSteps.map(String.init) ?? "-")"
    }

    /// `ETA 7s`, `ETA 2m05s`, `ETA -` when unknown; empty once the job has finished.
    public static func eta(_ row: JobProgressRow) -> String {
        guard !row.isFinished, !row.status.isTerminal else { return "" }
        guard let seconds = row.etaSeconds, seconds.isFinite, seconds >= 0 else { return "ETA -" }
        let whole = Int(seconds.rounded(.up))
        return whole < 60 ? "ETA \(whole)s" : "ETA \(whole / 60)m\(pad(whole % 60))s"
    }

    /// One terminal line, never wider than `width` (a wrapped line would break the in-place redraw):
    /// `1a2b3c4d [######----]  60%  step 12/20  ETA 3s  processing`.
    public static func line(_ row: JobProgressRow, width: Int) -> String {
        let id = String(row.jobID.rawValue.prefix(shortIDLength))
        var tail = "\(percent(row.fraction))  \(steps(row))"
        let eta = eta(row)
        if !eta.isEmpty { tail += "  " + eta }
        tail += "  " + row.status.rawValue
        if let error = row.errorMessage, row.status == .failed || row.status == .cancelled { tail += ": " + error }
        let fixed = id.count + 1 + 2 + 1 + tail.count
        let cells = min(barWidths.upperBound, max(barWidths.lowerBound, width - fixed))
        return fit("\(id) \(bar(fraction: row.fraction, cells: cells)) \(tail)", width: width)
    }

    /// One line for output that is not a terminal, with the full job id:
    /// `job 1a2b...: processing 60% step 12/20 ETA 3s`.
    public static func plainLine(_ row: JobProgressRow) -> String {
        var parts = ["job \(row.jobID.rawValue): \(row.status.rawValue)", percent(row.fraction).trimmingLeadingSpaces(), steps(row)]
        let eta = eta(row)
        if !eta.isEmpty { parts.append(eta) }
        if let error = row.errorMessage, row.status == .failed || row.status == .cancelled { parts.append("error: \(error)") }
        if row.isFinished, row.status == .completed, !row.images.isEmpty {
            parts.append("\(row.images.count) image\(row.images.count == 1 ? "" : "s")")
        }
        return parts.joined(separator: " ")
    }

    /// Cuts `text` to `width` characters, marking the cut with `…`.
    static func fit(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

private extension String {
    func trimmingLeadingSpaces() -> String { String(drop(while: { $0 == " " })) }
}
