import EaselProtocol

/// Follows a server's `metrics_update`s for `easel watch --metrics` until cancelled: each update redraws the
/// panel in place on a terminal, or prints it as a new block otherwise; a lost connection is re-established and
/// the metrics subscribed again.
public struct MetricsFollower: Sendable {
    public let watcher: ProgressWatcher

    public init(watcher: ProgressWatcher) {
        self.watcher = watcher
    }

    /// - Parameters:
    ///   - interval: seconds between updates (nil: the server's).
    ///   - width: terminal columns; nil for output that is not a terminal (no escape sequences).
    public func follow(interval: Double?, width: Int?, write: (String) -> Void) async throws {
        let subscription = Subscription(nil, metrics: MetricsRequest(enabled: true, interval: interval))
        try await watcher.withEvents(subscribing: subscription) { events in
            var panel = MetricsPanel()
            var drawn = 0
            for try await event in events {
                var notices: [String] = []
                switch event {
                case .message(.metricsUpdate(let snapshot)):
                    panel.apply(snapshot)
                case .message(.error(let error)):
                    throw ClientError(.rejected, error.message)
                case .message:
                    continue
                case .disconnected(let reason, _):
                    notices = ["connection lost (\(reason)); reconnecting"]
                case .reconnected:
                    notices = ["reconnected"]
                }
                let lines = panel.lines(width: (width ?? 200) - 1)
                if width == nil {
                    write((notices + lines).joined(separator: "\n") + "\n\n")
                } else {
                    write(TerminalFrame.redraw(lines: lines, notices: notices, previousLineCount: drawn))
                    drawn = lines.count
                }
            }
        }
    }
}
