import Foundation

/// One measured figure of a scenario, with the target it is compared against (printed, never asserted).
public struct Metric: Codable, Sendable, Equatable {
    public var name: String
    public var value: Double
    public var unit: String
    public var target: String?

    public init(_ name: String, _ value: Double, _ unit: String, target: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
        self.target = target
    }
}

/// Everything one scenario run measured: printed as a table and written as JSON.
public struct BenchReport: Codable, Sendable, Equatable {
    public var scenario: String
    /// The settings the run used, as given on the command line.
    public var parameters: [String: String]
    public var metrics: [Metric]
    /// Remarks about the run (what bounded it, limits met).
    public var notes: [String]

    public init(scenario: String, parameters: [String: String], metrics: [Metric], notes: [String] = []) {
        self.scenario = scenario
        self.parameters = parameters
        self.metrics = metrics
        self.notes = notes
    }

    /// An aligned text table: metric, value, unit, target.
    public func table() -> String {
        let rows = [["metric", "value", "unit", "target"]]
            + metrics.map { [$0.name, Self.format($0.value), $0.unit, $0.target ?? ""] }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["scenario: \(scenario)  " + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == 1 ? String(repeating: " ", count: widths[column] - cell.count) + cell
                    : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            lines.append(cells.joined(separator: "  ").trimmingTrailingSpaces())
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines += notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Integers without decimals, small values with enough digits to read a µs or a tenth of a ms.
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.1f", value) }
        return String(format: "%.3f", value)
    }

    /// Writes the reports as a pretty-printed JSON array with sorted keys.
    public static func write(_ reports: [BenchReport], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(reports).write(to: URL(fileURLWithPath: path))
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
