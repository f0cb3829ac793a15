import EaselCore
import EaselProtocol
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

extension WebSocketService {
    /// Runs one socket from accept to close: a writer drains the connection's outbox while the reader answers
    /// the client's messages. Whichever ends first ends the other, and the connection is unregistered, so
    /// nothing of it outlives the socket.
    public func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, maxMessageSize: Int) async {
        let connection = manager.register()
        defer { manager.unregister(connection) }
        let logger = self.logger.with("connection", connection.id)
        reply(.connected(connectionID: connection.id), to: connection)

        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await writeFrames(of: connection, to: outbound, logger: logger)
                }
                group.addTask {
                    await readMessages(from: inbound, for: connection, maxMessageSize: maxMessageSize, logger: logger)
                    connection.outbox.close(.goingAway)
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            connection.outbox.close(.goingAway)
        }
    }

    private func writeFrames(of connection: ConnectionManager.Connection, to outbound: WebSocketOutboundWriter, logger: Logger) async {
        do {
            while let frame = await connection.outbox.next() {
                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame)))
            }
            if let code = connection.outbox.closeCode, code != .goingAway || !Task.isCancelled {
                logger.debug("closing socket", metadata: ["code": "\(code.code)", "reason": "\(code.reason)"])
                try await outbound.close(.init(codeNumber: Int(code.code)), reason: code.reason)
            }
        } catch {
            logger.debug("socket write ended", metadata: ["error": "\(error)"])
        }
    }

    private func readMessages(
        from inbound: WebSocketInboundStream, for connection: ConnectionManager.Connection, maxMessageSize: Int, logger: Logger
    ) async {
        do {
            for try await message in inbound.messages(maxSize: maxMessageSize) {
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
            connection.outbox.close(.messageTooBig)
        }
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
        case .success(.subscribe(let selection)):
            manager.subscribe(connection, to: selection)
            reply(.subscriptionConfirmed(jobIDs: selection.wireValue), to: connection)
            if case .jobs(let ids) = selection {
                await sendSnapshots(of: ids, to: connection)
            }
        }
    }

    /// Brings a new subscriber up to date at once, instead of leaving it to wait for the job's next change.
    private func sendSnapshots(of ids: [JobID], to connection: ConnectionManager.Connection) async {
        var unknown: [String] = []
        for jobID in ids {
            guard let events = await snapshots(jobID) else {
                unknown.append(jobID.rawValue)
                continue
            }
            for event in events {
                let isProgress = if case .progress = event.kind { true } else { false }
                connection.outbox.push(Self.frame(for: event), event: (jobID, event.seq, isProgress))
            }
        }
        if !unknown.isEmpty {
            reply(.error(ProtocolError(
                .unknownJobs, "No such job: \(unknown.joined(separator: ", ")); subscribed anyway", requestType: "subscribe")),
                to: connection)
        }
    }

    private func reply(_ message: ServerMessage, to connection: ConnectionManager.Connection) {
        connection.outbox.push(ByteBuffer(string: message.encoded()))
    }
}
