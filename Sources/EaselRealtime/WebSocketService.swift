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
/// `ConnectionManager` route the same bytes to every subscriber. It also runs each socket's session and a
/// watchdog that closes connections whose writes have stalled.
public struct WebSocketService: Service {
    public let manager: ConnectionManager
    /// Names this server's run: `seq` values are only comparable within one epoch.
    public let epoch: String
    let bus: JobEventBus
    let snapshots: JobSnapshotSource
    let logger: Logger

    public init(bus: JobEventBus, manager: ConnectionManager, snapshots: @escaping JobSnapshotSource, logger: Logger) {
        self.bus = bus
        self.manager = manager
        self.snapshots = snapshots
        self.logger = logger
        self.epoch = String(UUID().uuidString.prefix(8)).lowercased()
    }

    var configuration: RealtimeConfiguration { manager.configuration }

    /// Delivers events until shutdown, then asks every socket to close with "going away".
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await closeStalledWritersUntilCancelled() }
            for await event in bus.subscribe().cancelOnGracefulShutdown() {
                let previewFrame = event.hasPreview ? Self.frame(for: event) : nil
                manager.broadcast(event, frame: Self.frame(for: event.withoutPreview), previewFrame: previewFrame)
            }
            group.cancelAll()
        }
        manager.closeAll(.goingAway)
    }

    private func closeStalledWritersUntilCancelled() async {
        let period = min(configuration.writeTimeout / 4, .seconds(1))
        while (try? await Task.sleep(for: period)) != nil {
            let closed = manager.closeStalledWriters()
            if closed > 0 { logger.notice("closed connections whose writes stalled", metadata: ["count": "\(closed)"]) }
        }
    }

    /// The complete WebSocket frame for an event, shared by every recipient.
    static func frame(for event: JobEvent) -> ByteBuffer {
        WebSocketWire.textFrame(ServerMessage.job(event).encoded())
    }
}
