extension BenchReport {
    /// One report whose every metric is the median of that metric over `reports` (runs of one scenario);
    /// nil for no reports. Metrics missing from some runs are the median of the runs that have them.
    public static func median(of reports: [BenchReport]) -> BenchReport? {
        guard let first = reports.first else { return nil }
        let metrics = first.metrics.map { metric in
            var median = metric
            median.value = Self.median(reports.compactMap { $0.metrics.first { $0.name == metric.name }?.value })
            return median
        }
        var parameters = first.parameters
        parameters["runs"] = "\(reports.count)"
        return BenchReport(scenario: first.scenario + " (median)", parameters: parameters, metrics: metrics)
    }

    /// The middle value, or the mean of the two middle values.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
