import DequeModule
import Synchronization

/// One connection's client messages, answered one at a time and in the order they came. The socket's event loop
/// appends; a task of the `WebSocketService` takes them until the queue is empty, then the next message hands the
/// connection to the service again. No task waits on an idle connection.
public final class RequestQueue: Sendable {
    public enum Request: Sendable, Equatable {
        case text(String)
        case binary
        /// A message was refused by the rate limit; it is answered with an `error` and not processed.
        case rateLimited
    }

    private struct State {
        var waiting: Deque<Request> = []
        var busy = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Queues a request. Returns true when nobody is answering this queue: the caller must hand it to a task
    /// that calls `next()` until it returns nil. Refusals that follow one another make one `rateLimited`, so a
    /// flooding client cannot grow the queue.
    public func append(_ request: Request) -> Bool {
        state.withLock { state in
            if request == .rateLimited, state.waiting.last == .rateLimited { return false }
            state.waiting.append(request)
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
    }

    /// The next request, or nil when there is none; after nil the queue is idle and `append` hands it on again.
    public func next() -> Request? {
        state.withLock { state in
            guard let request = state.waiting.popFirst() else {
                state.busy = false
                return nil
            }
            return request
        }
    }
}
