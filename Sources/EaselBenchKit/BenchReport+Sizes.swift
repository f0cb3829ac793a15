import Foundation

extension BenchReport {
    /// Separates a figure's name from the queue size it was measured at, as in `claim p99 @ 100000`. Figures stay
    /// ordinary metrics, so the JSON and the median over runs need nothing new; only the printed table differs.
    public static let sizeSeparator = " @ "

    /// The metric name of `figure` measured with `size` jobs queued.
    public static func metricName(_ figure: String, size: Int) -> String { "\(figure)\(sizeSeparator)\(size)" }

    /// The figure and size of a metric named by `metricName(_:size:)`; nil for any other name.
    public static func figureAndSize(of name: String) -> (figure: String, size: Int)? {
        guard let range = name.range(of: sizeSeparator, options: .backwards),
              let size = Int(name[range.upperBound...])
        else { return nil }
        return (String(name[..<range.lowerBound]), size)
    }

    /// A table with one row per figure and one column per queue size, for reports whose metrics carry sizes;
    /// nil when none does. Metrics without a size follow the table as `name: value unit` lines.
    public func sizeTable() -> String? {
        var figures: [(name: String, unit: String)] = []
        var sizes: [Int] = []
        var values: [String: [Int: Double]] = [:]
        var unsized: [Metric] = []
        for metric in metrics {
            guard let (figure, size) = Self.figureAndSize(of: metric.name) else { unsized.append(metric); continue }
            if values[figure] == nil { figures.append((figure, metric.unit)) }
            if !sizes.contains(size) { sizes.append(size) }
            values[figure, default: [:]][size] = metric.value
        }
        guard !sizes.isEmpty else { return nil }
        sizes.sort()
        let header = ["figure", "unit"] + sizes.map { "\($0) queued" }
        let rows = [header] + figures.map { figure in
            [figure.name, figure.unit] + sizes.map { size in values[figure.name]?[size].map(Self.format) ?? "—" }
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["scenario: \(scenario)  " + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")]
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + padding : padding + cell
            }
            lines.append(cells.joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines += unsized.map { "\($0.name): \(Self.format($0.value)) \($0.unit)" }
        lines += notes.map { "note: \($0)" }
        return lines.joined(separator: "\n")
    }
}
