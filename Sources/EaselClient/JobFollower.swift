import EaselCore
import EaselProtocol

/// Follows jobs to their end: socket events in, board updates and notices out to a display. Shared by
/// `easel watch` and `easel submit --watch`, and usable from tests with any `ProgressDisplay`.
public struct JobFollower: Sendable {
    public let watcher: ProgressWatcher

    public init(watcher: ProgressWatcher) {
        self.watcher = watcher
    }

    /// Runs until every job in `scope` has finished (for `.allJobs`, until cancelled) and returns the final board.
    /// Throws `ClientError.notFound` if the server says a followed job does not exist, and `.unreachable`
    /// when the connection cannot be (re)established.
    public func follow(_ scope: ProgressBoard.Scope, on display: inout some ProgressDisplay) async throws -> ProgressBoard {
        var board = ProgressBoard(scope: scope)
        if board.isDone { return board }
        return try await watcher.withEvents(subscribing: board.selection) { events in
            for try await event in events {
                switch event {
                case .message(.error(let error)) where error.code == .unknownJobs:
                    throw ClientError(.notFound, error.message)
                case .message(let message):
                    if let changed = board.apply(message) { display.show(board, changed: changed) }
                    if board.isDone { return board }
                case .disconnected(let reason, let retryIn):
                    display.notice("connection lost (\(reason)); reconnecting in \(Self.seconds(retryIn))")
                case .reconnected:
                    display.notice("reconnected; resubscribed")
                }
            }
            throw CancellationError()
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
