import EaselProtocol
import NIOCore

extension WebSocketService {
    /// Starts or stops a connection's `metrics_update`s as its subscribe asks; returns the interval it gets (its
    /// `metrics_interval` rounded to a whole number of the server's sampling interval), or nil when it gets none.
    func applyMetrics(_ request: MetricsRequest?, to connection: ConnectionManager.Connection) -> Double? {
        guard let request else { return nil }
        guard request.enabled else {
            manager.setMetricsSubscription(connection, everyTicks: nil)
            return nil
        }
        let base = Self.seconds(configuration.metricsInterval)
        let ticks = max(1, Int(((request.interval ?? base) / base).rounded()))
        manager.setMetricsSubscription(connection, everyTicks: ticks)
        return Double(ticks) * base
    }

    /// Sends one `metrics_update` to the subscribers due at `tick`: encoded once, whatever their number.
    /// Returns how many connections it went to.
    @discardableResult
    public func broadcastMetrics(_ snapshot: MetricsSnapshot, tick: Int) -> Int {
        manager.broadcast(WebSocketWire.textFrame(ServerMessage.metricsUpdate(snapshot).encoded()), to: .metricsSubscribers(tick: tick))
    }

    /// Tells every open socket that the queue, or one backend, was paused or resumed.
    public func announce(_ message: ServerMessage) {
        manager.broadcast(WebSocketWire.textFrame(message.encoded()), to: .everyone)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
