import EaselCore
import EaselProtocol
import NIOCore

extension ConnectionManager {
    /// One registered socket as the rest of the server sees it: an id to route by, its event loop, its client
    /// messages waiting to be answered, and a way to reach its `ProgressSocketHandler`.
    ///
    /// Why a separate handle: the handler and its state machine belong to the event loop and are not `Sendable`.
    /// Everything from outside (the service answering a client, shutdown) goes through `eventLoop.execute`, which
    /// keeps the calls of one task in order; a broadcast is already on the loop and calls the handler directly.
    /// The registry holds this handle until the channel closes and the handler unregisters it.
    public final class Connection: Sendable {
        /// `conn_<counter>_<unix seconds>`, the origin's format.
        public let id: String
        /// Index of its event loop's shard in the registry.
        let shard: Int
        let eventLoop: any EventLoop
        /// The client's messages not answered yet, in order.
        let requests: RequestQueue
        /// Checked on every access: only its event loop may touch the handler.
        let handler: NIOLoopBound<ProgressSocketHandler>

        init(id: String, shard: Int, requests: RequestQueue, handler: ProgressSocketHandler, eventLoop: any EventLoop) {
            self.id = id
            self.shard = shard
            self.eventLoop = eventLoop
            self.requests = requests
            self.handler = NIOLoopBound(handler, eventLoop: eventLoop)
        }

        /// Runs `body` on the socket's event loop with its handler.
        private func onLoop(_ body: @escaping @Sendable (ProgressSocketHandler) -> Void) {
            let handler = self.handler
            eventLoop.execute { body(handler.value) }
        }

        /// Sends a reply to the client's own message (written at once, see `ConnectionStateMachine.reply`).
        func reply(_ frame: ByteBuffer) {
            onLoop { $0.reply(frame) }
        }

        /// See `ConnectionStateMachine.beginCatchUp`.
        func beginCatchUp(_ jobs: Set<JobID>) {
            onLoop { $0.beginCatchUp(jobs) }
        }

        /// See `ConnectionStateMachine.endCatchUp`.
        func endCatchUp(_ jobs: Set<JobID>, seenUpTo: [JobID: Int], events: [(frame: ByteBuffer, event: EventTag)]) {
            onLoop { $0.endCatchUp(jobs, seenUpTo: seenUpTo, events: events) }
        }

        /// Ends duplicate tracking of jobs the client left.
        func forget(_ jobs: Set<JobID>) {
            onLoop { $0.forget(jobs) }
        }

        /// See `ConnectionStateMachine.limitPreviews`.
        func limitPreviews(perSecond: Double?, maxBytes: Int?) {
            onLoop { $0.limitPreviews(perSecond: perSecond, maxBytes: maxBytes) }
        }

        /// Starts the closing handshake with `code` (server shutdown).
        public func close(_ code: CloseCode) {
            onLoop { $0.requestClose(code) }
        }
    }
}
