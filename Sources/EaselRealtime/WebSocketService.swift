import EaselCore
import EaselProtocol
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Answers "what is the current state of this job?" for subscribers that arrive late: the events that bring a
/// client up to date (for a live job its history; for an old job, events rebuilt from the store), or nil when no
/// such job exists.
public typealias JobSnapshotSource = @Sendable (JobID) async -> [JobEvent]?

/// The seed's WebSocketService: it takes every job event from the bus, encodes it once, and lets the
/// `ConnectionManager` route the same bytes to every subscriber. It also answers the clients' messages (one task
/// per connection with messages waiting, none for an idle one). The sockets themselves are channel handlers
/// (`ProgressSocketHandler`), each watching its own writes (`ConnectionStateMachine`).
public struct WebSocketService: Service {
    public let manager: ConnectionManager
    /// Names this server's run: `seq` values are only comparable within one epoch.
    public let epoch: String
    let bus: JobEventBus
    let snapshots: JobSnapshotSource
    let logger: Logger
    /// What `submit`, `submit_batch`, `cancel`, `reprioritize` and `move` do; nil refuses them.
    let operations: (any QueueOperations)?
    let batches: BatchMonitor
    /// Connections whose queued messages need a task to answer them.
    private let pending = AsyncStream.makeStream(of: ConnectionManager.Connection.self)

    public init(
        bus: JobEventBus, manager: ConnectionManager, snapshots: @escaping JobSnapshotSource, logger: Logger,
        operations makeOperations: ((_ batchStored: @escaping @Sendable (BatchID, [JobID]) -> Void) -> any QueueOperations)? = nil
    ) {
        let batches = BatchMonitor(manager: manager, bus: bus)
        self.batches = batches
        // The operations tell the monitor of each batch they store, before its jobs are announced.
        self.operations = makeOperations? { batches.follow($0, jobs: $1, counts: BatchCounts([.queued: $1.count]), announce: false) }
        self.bus = bus
        self.manager = manager
        self.snapshots = snapshots
        self.logger = logger
        self.epoch = String(UUID().uuidString.prefix(8)).lowercased()
    }

    var configuration: RealtimeConfiguration { manager.configuration }

    /// Delivers events and answers client messages until shutdown, then asks every socket to close with
    /// "going away".
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await deliverEventsUntilShutdown() }
            group.addTask { await batches.run() }
            for await connection in pending.stream.cancelOnGracefulShutdown() {
                group.addTask { await answerQueuedRequests(of: connection) }
            }
            manager.closeAll(.goingAway)
            group.cancelAll()
        }
        pending.continuation.finish()
    }

    /// Hands a connection with new messages to a task (called by its socket when its queue was idle).
    func answerRequests(of connectionID: String) {
        guard let connection = manager.connection(id: connectionID) else { return }
        pending.continuation.yield(connection)
    }

    private func deliverEventsUntilShutdown() async {
        for await event in bus.subscribe().cancelOnGracefulShutdown() {
            let previewFrame = event.hasPreview ? Self.frame(for: event) : nil
            manager.broadcast(event, frame: Self.frame(for: event.withoutPreview), previewFrame: previewFrame)
        }
    }

    /// The complete WebSocket frame for an event, shared by every recipient.
    static func frame(for event: JobEvent) -> ByteBuffer {
        WebSocketWire.textFrame(ServerMessage.job(event).encoded())
    }
}
