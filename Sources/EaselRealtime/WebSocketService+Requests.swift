import EaselCore
import EaselProtocol
import NIOCore
import NIOWebSocket

extension WebSocketService {
    /// Completes a socket's pipeline after the HTTP upgrade (NIO has added the frame decoder and encoder):
    /// fragmented messages are joined up to the size limit and the progress socket handler takes over.
    /// Runs on the channel's event loop.
    public func addProgressSocketHandlers(to channel: any Channel) throws {
        let limit = configuration.maxInboundMessageSize
        try channel.pipeline.syncOperations.addHandler(RawFrameOutlet(), position: .first)
        try channel.pipeline.syncOperations.addHandler(
            NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1_024, maxAccumulatedFrameSize: limit))
        try channel.pipeline.syncOperations.addHandler(ProgressSocketHandler(service: self))
    }

    /// Whether `request` may become a progress socket (`RealtimeConfiguration.admission`).
    public func admission(for request: SocketUpgradeRequest) -> SocketAdmission.Decision {
        configuration.admission.decision(for: request)
    }

    /// Largest client message (and frame) the socket accepts.
    public var maxInboundMessageSize: Int { configuration.maxInboundMessageSize }

    /// The first message on every socket: its id and the server's epoch (for resume).
    func greet(_ connection: ConnectionManager.Connection) {
        reply(.connected(connectionID: connection.id, epoch: epoch), to: connection)
    }

    /// Answers a connection's queued messages in order, until none is left.
    func answerQueuedRequests(of connection: ConnectionManager.Connection) async {
        while let request = connection.requests.next() {
            guard manager.isRegistered(connection) else { continue }
            switch request {
            case .text(let text):
                await handle(text, from: connection)
            case .binary:
                reply(.error(ProtocolError(.unsupportedFrame, "Binary frames are not supported; send JSON text")), to: connection)
            case .rateLimited:
                reply(.error(ProtocolError(.rateLimited, "Too many messages; at most \(configuration.maxMessagesPerSecond) a second")),
                      to: connection)
            }
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
            if case .jobs(let ids) = selection { connection.forget(Set(ids)) }
            reply(.unsubscriptionConfirmed(jobIDs: selection.wireValue), to: connection)
        case .success(.subscribe(let subscription)):
            await subscribe(connection, to: subscription)
            if !subscription.batchIDs.isEmpty { await follow(subscription.batchIDs, from: connection) }
        case .success(.unsubscribeMetrics):
            manager.setMetricsSubscription(connection, everyTicks: nil)
            reply(.unsubscriptionConfirmed(jobIDs: []), to: connection)
        case .success(.request(let request)):
            await answer(request, from: connection)
        }
    }

    /// Subscribes, then brings the client up to date at once: a resuming client gets exactly the events it
    /// missed (or, when they are no longer held, a snapshot and `recovered: false`); a new subscriber to a job
    /// gets the job's current state instead of waiting for its next change.
    func subscribe(_ connection: ConnectionManager.Connection, to subscription: Subscription) async {
        let (selection, resume) = (subscription.selection, subscription.resume)
        let epochMatches = resume?.epoch == nil || resume?.epoch == epoch
        // Jobs brought up to date below. Their live events wait until the catch-up is queued, then follow it, so a
        // live event cannot overtake (and, as a duplicate, suppress) an event it follows.
        var caughtUp = Set(resume.map { Array($0.since.keys) } ?? [])
        if case .jobs(let ids)? = selection { caughtUp.formUnion(ids) }
        connection.beginCatchUp(caughtUp)
        if subscription.previewRate != nil || subscription.previewMaxBytes != nil {
            connection.limitPreviews(perSecond: subscription.previewRate, maxBytes: subscription.previewMaxBytes)
        }
        if let selection, !manager.subscribe(connection, to: selection, includePreviews: subscription.includePreviews) {
            reply(.error(ProtocolError(
                .tooManySubscriptions,
                "A connection may hold at most \(configuration.maxSubscriptionsPerConnection) job subscriptions",
                requestType: "subscribe")), to: connection)
            connection.endCatchUp(caughtUp, seenUpTo: [:], events: [])
            return
        }
        // Duplicate tracking for the jobs named: from the start, or past the position a resume gave.
        var seenUpTo: [JobID: Int] = [:]
        if case .jobs(let ids)? = selection { for jobID in ids { seenUpTo[jobID] = 0 } }
        // Read after subscribing: an event published in between is in the history or among the held events.
        var catchUp: [JobID: [JobEvent]] = [:]
        var recovered: [String: Bool] = [:]
        for (jobID, seq) in resume?.since ?? [:] {
            if epochMatches, let history = bus.history(of: jobID), seq <= history.lastSeq {
                catchUp[jobID] = history.events(after: seq)
                recovered[jobID.rawValue] = true
                seenUpTo[jobID] = max(seenUpTo[jobID] ?? 0, seq)
            } else {
                recovered[jobID.rawValue] = false
                seenUpTo[jobID] = seenUpTo[jobID] ?? 0
            }
        }
        let metricsInterval = applyMetrics(subscription.metrics, to: connection)
        reply(.subscriptionConfirmed(
            jobIDs: selection.map(\.wireValue) ?? [], recovered: resume == nil ? nil : recovered, metricsInterval: metricsInterval),
            to: connection)

        var unknown: [String] = []
        for jobID in caughtUp where catchUp[jobID] == nil {
            guard let events = await snapshots(jobID) else {
                unknown.append(jobID.rawValue)
                continue
            }
            catchUp[jobID] = events
        }
        // Without previews: they reach a connection only live, through its preview lane and cap.
        var frames: [(frame: ByteBuffer, event: EventTag)] = []
        for (jobID, events) in catchUp {
            for event in events {
                let isProgress = if case .progress = event.kind { true } else { false }
                let frame = Self.frame(for: event.withoutPreview)
                frames.append((frame, EventTag(jobID: jobID, seq: event.seq, isProgress: isProgress)))
            }
        }
        connection.endCatchUp(caughtUp, seenUpTo: seenUpTo, events: frames)
        if !unknown.isEmpty {
            reply(.error(ProtocolError(
                .unknownJobs, "No such job: \(unknown.sorted().joined(separator: ", ")); subscribed anyway", requestType: "subscribe")),
                to: connection)
        }
    }

    func reply(_ message: ServerMessage, to connection: ConnectionManager.Connection) {
        connection.reply(WebSocketWire.textFrame(message.encoded()))
    }
}
