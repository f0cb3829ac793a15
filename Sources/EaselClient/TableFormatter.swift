/// Left-aligned text columns with a header row, sized to the widest cell; for `easel jobs` and `easel backends`.
/// A pure function of its input.
public enum TableFormatter {
    /// Cells wider than this are cut with `…`.
    public static let maxCellWidth = 48

    /// - Returns: header line and one line per row, columns separated by two spaces, without trailing spaces.
    ///   Rows shorter than the header are padded with empty cells.
    public static func format(header: [String], rows: [[String]]) -> String {
        let table = ([header] + rows).map { row in
            header.indices.map { index in
                ProgressBarRenderer.fit(index < row.count ? row[index] : "", width: maxCellWidth)
            }
        }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
        .joined(separator: "\n")
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
