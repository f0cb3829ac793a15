import EaselProtocol
import Foundation
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers

/// Follows Easel's progress socket and survives drops: when the connection ends it reconnects with backoff and
/// subscribes again, and the server's subscribe snapshot brings the current state of every job at once.
public struct ProgressWatcher: Sendable {
    public struct Configuration: Sendable {
        /// Wait before the first reconnect attempt; doubles after each failure. Default 0.5 s.
        public var reconnectDelay = Duration.milliseconds(500)
        /// Longest wait between attempts. Default 5 s.
        public var maxReconnectDelay = Duration.seconds(5)
        /// How long to keep trying after the connection was lost before giving up. Default 60 s.
        public var giveUpAfter = Duration.seconds(60)

        public init() {}
    }

    /// What a watcher reports, in order.
    public enum Event: Sendable {
        /// A message from the server, already decoded.
        case message(ServerMessage)
        /// The connection ended; the next attempt comes after `retryIn`.
        case disconnected(reason: String, retryIn: Duration)
        /// A new connection is up and the subscription was sent again.
        case reconnected
    }

    public let endpoint: ServerEndpoint
    public let configuration: Configuration
    private let logger: Logger

    public init(endpoint: ServerEndpoint, configuration: Configuration = .init(), logger: Logger = Self.quietLogger) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.logger = logger
    }

    /// The socket library's own log lines would interleave with a progress display; only critical ones show.
    public static var quietLogger: Logger {
        var logger = Logger(label: "easel-client")
        logger.logLevel = .critical
        return logger
    }

    /// Subscribes to `selection` and hands `body` the events until it returns; the socket is closed then.
    /// The stream throws `ClientError.unreachable` when the first connection fails or a lost one does not come
    /// back within `giveUpAfter`.
    public func withEvents<Result>(
        subscribing selection: JobSelection, _ body: (AsyncThrowingStream<Event, any Error>) async throws -> Result
    ) async throws -> Result {
        try await withEvents(subscribing: Subscription(selection), body)
    }

    /// The same, with any subscribe (metrics only, for `easel watch --metrics`).
    public func withEvents<Result>(
        subscribing subscription: Subscription, _ body: (AsyncThrowingStream<Event, any Error>) async throws -> Result
    ) async throws -> Result {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: Event.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await connectionLoop(subscription: subscription, continuation: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { group.cancelAll() }
            return try await body(events)
        }
    }

    private func connectionLoop(
        subscription: Subscription, continuation: AsyncThrowingStream<Event, any Error>.Continuation
    ) async throws {
        let subscribe = ClientMessage.subscribe(subscription).encoded()
        var attempt = 0
        var delay = configuration.reconnectDelay
        var lostAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let connected = NIOLockedValueBox(false)
            let isReconnect = attempt > 0
            var reason = "the server closed the connection"
            do {
                let close = try await WebSocketClient.connect(
                    url: endpoint.socketURL, configuration: .init(maxFrameSize: 1 << 24), logger: logger
                ) { inbound, outbound, _ in
                    try await outbound.write(.text(subscribe))
                    connected.withLockedValue { $0 = true }
                    if isReconnect { continuation.yield(.reconnected) }
                    for try await frame in inbound.messages(maxSize: 1 << 26) {
                        guard case .text(let text) = frame, let message = try? ServerMessage.decode(text) else { continue }
                        continuation.yield(.message(message))
                    }
                }
                if let close, let text = close.reason, !text.isEmpty { reason = "the server closed the connection: \(text)" }
            } catch {
                if Task.isCancelled { return }
                reason = ClientError.shortReason(error)
            }
            if Task.isCancelled { return }
            attempt += 1
            if connected.withLockedValue({ $0 }) {
                lostAt = ContinuousClock.now
                delay = configuration.reconnectDelay
            }
            guard let lostAt else { throw ClientError(.unreachable, "cannot reach the Easel server at \(endpoint) (\(reason))") }
            guard ContinuousClock.now - lostAt < configuration.giveUpAfter else {
                throw ClientError(.unreachable, "lost the connection to \(endpoint) and could not reconnect (\(reason))")
            }
            continuation.yield(.disconnected(reason: reason, retryIn: delay))
            try await Task.sleep(for: delay)
            delay = min(delay * 2, configuration.maxReconnectDelay)
        }
    }
}
