import EaselCore
import EaselProtocol
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

extension WebSocketService {
    /// Runs one socket from accept to close. Frames reach the socket from the connection's outbox on its event
    /// loop; this task reads the client's messages, and a sibling waits for the outbox to close (slow consumer,
    /// shutdown) to send the close frame. Whichever ends first ends the other, and the connection is unregistered,
    /// so nothing of it outlives the socket. Protocol violations (a message over the size limit, a bad frame) are
    /// rethrown, so the WebSocket library closes with the matching code (1009, 1002...).
    public func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel) async throws {
        let manager = self.manager
        guard let connection = try await channel.eventLoop.submit({ try manager.register(channel: channel) }).get() else {
            try? await outbound.close(.init(codeNumber: Int(CloseCode.tryAgainLater.code)), reason: CloseCode.tryAgainLater.reason)
            return
        }
        defer { manager.unregister(connection) }
        let logger = self.logger.with("connection", connection.id)
        reply(.connected(connectionID: connection.id, epoch: epoch), to: connection)

        let readError = await withGracefulShutdownHandler {
            await withTaskGroup(of: (any Error)?.self) { group in
                group.addTask {
                    await closeWhenOutboxCloses(connection, outbound: outbound, logger: logger)
                    return nil
                }
                group.addTask {
                    let error = await readMessages(from: inbound, for: connection, logger: logger)
                    connection.outbox.close(.goingAway)
                    return error
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                let second = await group.next() ?? nil
                return first ?? second
            }
        } onGracefulShutdown: {
            connection.outbox.close(.goingAway)
        }
        if let readError { throw readError }
    }

    /// Sends the close frame the outbox's close code calls for. A peer that stopped reading cannot take it either;
    /// the stall watchdog then drops the TCP connection.
    private func closeWhenOutboxCloses(_ connection: ConnectionManager.Connection, outbound: WebSocketOutboundWriter, logger: Logger) async {
        let code = await connection.outbox.waitUntilClosed()
        if code == .slowConsumer {
            manager.metrics.slowConsumerCloses.increment()
            logger.info("closing a slow consumer")
        }
        // Whatever the reason, a peer that does not take the close frame in time loses the connection.
        connection.forceCloseAfter(configuration.writeTimeout)
        guard code != .goingAway || !Task.isCancelled else { return }
        do {
            try await outbound.close(.init(codeNumber: Int(code.code)), reason: code.reason)
        } catch {
            logger.debug("close frame not sent", metadata: ["error": "\(error)"])
        }
    }

    /// Reads until the peer closes; returns the error that ended reading, if any.
    private func readMessages(
        from inbound: WebSocketInboundStream, for connection: ConnectionManager.Connection, logger: Logger
    ) async -> (any Error)? {
        var limiter = MessageRateLimiter(
            perSecond: configuration.maxMessagesPerSecond, burst: configuration.messageBurst, now: .now)
        do {
            for try await message in inbound.messages(maxSize: configuration.maxInboundMessageSize) {
                guard limiter.allow(at: .now) else {
                    reply(.error(ProtocolError(.rateLimited, "Too many messages; at most \(configuration.maxMessagesPerSecond) a second")),
                          to: connection)
                    continue
                }
                switch message {
                case .text(let text):
                    await handle(text, from: connection)
                case .binary:
                    reply(.error(ProtocolError(.unsupportedFrame, "Binary frames are not supported; send JSON text")),
                          to: connection)
                }
            }
        } catch {
            logger.debug("socket read ended", metadata: ["error": "\(error)"])
            return error
        }
        return nil
    }

    func handle(_ text: String, from connection: ConnectionManager.Connection) async {
        switch ClientMessage.parse(text) {
        case .failure(let error):
            reply(.error(error), to: connection)
        case .success(.ping(let echo)):
            reply(.pong(echo: echo), to: connection)
        case .success(.unsubscribe(let selection)):
            manager.unsubscribe(connection, from: selection)
            reply(.unsubscriptionConfirmed(jobIDs: selection.wireValue), to: connection)
        case .success(.subscribe(let subscription)):
            await subscribe(connection, to: subscription)
        }
    }

    /// Subscribes, then brings the client up to date at once: a resuming client gets exactly the events it
    /// missed (or, when they are no longer held, a snapshot and `recovered: false`); a new subscriber to a job
    /// gets the job's current state instead of waiting for its next change.
    private func subscribe(_ connection: ConnectionManager.Connection, to subscription: Subscription) async {
        let (selection, resume) = (subscription.selection, subscription.resume)
        let epochMatches = resume?.epoch == nil || resume?.epoch == epoch
        var catchUp: [JobID: [JobEvent]] = [:]
        var recovered: [String: Bool] = [:]
        var seen: [JobID: Int] = [:]
        for (jobID, seq) in resume?.since ?? [:] {
            if epochMatches, let history = bus.history(of: jobID), seq <= history.lastSeq {
                catchUp[jobID] = history.events(after: seq)
                recovered[jobID.rawValue] = true
                seen[jobID] = seq
            } else {
                recovered[jobID.rawValue] = false
            }
        }
        guard manager.subscribe(connection, to: selection, seen: seen, includePreviews: subscription.includePreviews) else {
            reply(.error(ProtocolError(
                .tooManySubscriptions,
                "A connection may hold at most \(configuration.maxSubscriptionsPerConnection) job subscriptions",
                requestType: "subscribe")), to: connection)
            return
        }
        reply(.subscriptionConfirmed(jobIDs: selection.wireValue, recovered: resume == nil ? nil : recovered), to: connection)

        var unknown: [String] = []
        var snapshotJobs = Set(resume?.since.keys.filter { recovered[$0.rawValue] == false } ?? [])
        if case .jobs(let ids) = selection { snapshotJobs.formUnion(ids.filter { catchUp[$0] == nil }) }
        for jobID in snapshotJobs {
            guard let events = await snapshots(jobID) else {
                unknown.append(jobID.rawValue)
                continue
            }
            catchUp[jobID] = events
        }
        let previewing = manager.isPreviewing(connection)
        for (jobID, events) in catchUp {
            for event in events {
                let isProgress = if case .progress = event.kind { true } else { false }
                let frame = Self.frame(for: previewing ? event : event.withoutPreview)
                connection.send(frame, event: (jobID, event.seq, isProgress))
            }
        }
        if !unknown.isEmpty {
            reply(.error(ProtocolError(
                .unknownJobs, "No such job: \(unknown.sorted().joined(separator: ", ")); subscribed anyway", requestType: "subscribe")),
                to: connection)
        }
    }

    private func reply(_ message: ServerMessage, to connection: ConnectionManager.Connection) {
        connection.send(WebSocketWire.textFrame(message.encoded()))
    }
}
