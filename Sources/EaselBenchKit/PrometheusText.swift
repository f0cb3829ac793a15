/// Reads samples out of Prometheus's text exposition format, as the server's `/metrics` serves it. Only what the
/// queue scenario needs: the sum of one metric's samples, optionally those with some label values.
public enum PrometheusText {
    /// The sum of every sample of `name` whose labels include all of `labels`; nil when there is none (a counter
    /// that was never incremented may not be exported at all, which callers usually read as 0).
    public static func sum(_ name: String, in text: String, matching labels: [String: String] = [:]) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let sample = Sample(line), sample.name == name,
                  labels.allSatisfy({ sample.labels[$0.key] == $0.value })
            else { continue }
            total = (total ?? 0) + sample.value
        }
        return total
    }

    /// One `name{label="value",...} number [timestamp]` line.
    struct Sample {
        var name: Substring
        var labels: [String: String] = [:]
        var value: Double

        init?(_ line: Substring) {
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            name = line[..<nameEnd]
            var rest = line[nameEnd...]
            if rest.first == "{" {
                guard let (parsed, after) = Self.labels(rest.dropFirst()) else { return nil }
                labels = parsed
                rest = after
            }
            guard let number = rest.split(separator: " ").first, let value = Double(number) else { return nil }
            self.value = value
        }

        /// Parses `a="x",b="y\"z"}` and returns the labels and what follows the `}`.
        private static func labels(_ text: Substring) -> ([String: String], Substring)? {
            var labels: [String: String] = [:]
            var rest = text
            while true {
                rest = rest.drop { $0 == "," || $0 == " " }
                if rest.first == "}" { return (labels, rest.dropFirst()) }
                guard let equals = rest.firstIndex(of: "="), rest[rest.index(after: equals)...].first == "\"" else { return nil }
                let key = String(rest[..<equals])
                var value = ""
                var index = rest.index(equals, offsetBy: 2)
                var escaped = false
                while index < rest.endIndex, escaped || rest[index] != "\"" {
                    if !escaped, rest[index] == "\\" { escaped = true } else { value.append(rest[index]); escaped = false }
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { return nil }
                labels[key] = value
                rest = rest[rest.index(after: index)...]
            }
        }
    }
}
