import DynamicJSON

/// A subscribe's `metrics` (and `metrics_interval`): whether the connection wants `metrics_update`s, and how often.
public struct MetricsRequest: Sendable, Equatable {
    /// Shortest and longest `metrics_interval`, in seconds.
    public static let intervalRange = 0.25...60.0

    public var enabled: Bool
    /// Seconds between updates for this connection; nil: the server's interval.
    public var interval: Double?

    public init(enabled: Bool, interval: Double? = nil) {
        self.enabled = enabled
        self.interval = interval
    }
}

extension ProtocolError.Code {
    /// `metrics` is not `true` or `false`, or an unsubscribe names both metrics and jobs.
    public static let invalidMetrics = ProtocolError.Code(rawValue: "invalid_metrics")
    /// `metrics_interval` is not a number of seconds within `MetricsRequest.intervalRange`, or comes without
    /// `metrics: true`.
    public static let invalidMetricsInterval = ProtocolError.Code(rawValue: "invalid_metrics_interval")
}

extension ClientMessage {
    /// The subscribe's metrics request: nil when it says nothing about metrics.
    static func metricsRequest(_ fields: [String: JSONValue]) -> Result<MetricsRequest?, ProtocolError> {
        let enabled: Bool?
        switch fields["metrics"] {
        case nil: enabled = nil
        case .bool(let flag)?: enabled = flag
        default: return .failure(ProtocolError(.invalidMetrics, "metrics must be true or false", requestType: "subscribe"))
        }
        switch fields["metrics_interval"] {
        case nil, .null?:
            return .success(enabled.map { MetricsRequest(enabled: $0) })
        case .number(let seconds)? where MetricsRequest.intervalRange.contains(seconds) && enabled == true:
            return .success(MetricsRequest(enabled: true, interval: seconds))
        default:
            let range = MetricsRequest.intervalRange
            return .failure(ProtocolError(
                .invalidMetricsInterval,
                "metrics_interval must be a number of seconds from \(range.lowerBound) to \(range.upperBound), with metrics: true",
                requestType: "subscribe"))
        }
    }

    /// `unsubscribe` with `metrics: true` (and no `job_ids`) stops metrics; nil when the unsubscribe is about jobs.
    static func metricsUnsubscription(_ fields: [String: JSONValue]) -> Result<ClientMessage, ProtocolError>? {
        switch fields["metrics"] {
        case nil, .bool(false)?:
            return nil
        case .bool(true)? where fields["job_ids"] == nil:
            return .success(.unsubscribeMetrics)
        case .bool(true)?:
            return .failure(ProtocolError(
                .invalidMetrics, "unsubscribe from metrics and from jobs in separate messages", requestType: "unsubscribe"))
        default:
            return .failure(ProtocolError(.invalidMetrics, "metrics must be true or false", requestType: "unsubscribe"))
        }
    }
}
