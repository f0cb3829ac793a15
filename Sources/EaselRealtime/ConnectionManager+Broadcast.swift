import EaselCore
import NIOCore

extension ConnectionManager {
    /// The connections of one event loop. A broadcast hands each loop its own copy of the frame and the list of
    /// its recipients, and the loop queues and writes them itself: the frame's reference count and each outbox
    /// are then touched by one thread only, instead of bouncing between cores once per recipient, and each
    /// connection's state machine is reached on its own loop.
    struct Shard {
        let loop: any EventLoop
        var global: [String: Connection] = [:]
        /// `global.values`, rebuilt on the first broadcast after a change, so broadcasts share one array.
        var globalList: [Connection]? = []
    }

    /// Hands one encoded event to every connection subscribed to its job or to all jobs. `previewFrame`, when
    /// given, is the same event with its preview image, for the connections that asked for previews.
    public func broadcast(_ event: JobEvent, frame: ByteBuffer, previewFrame: ByteBuffer? = nil) {
        let (deliveries, previewing) = registry.withLock { registry in
            // A batch's followers know its jobs from the reply: they get each job's progress and end, not its start
            // (a batch of 10,000 would otherwise fill their outboxes at once).
            let isStart = if case .started = event.kind { true } else { false }
            return (registry.deliveries(of: event.jobID, batchFollowers: !isStart), previewFrame == nil ? [] : registry.previewing)
        }
        let isProgress = if case .progress = event.kind { true } else { false }
        let delay = writeDelay
        let metrics = self.metrics
        var recipients = 0
        for delivery in deliveries {
            recipients += delivery.global.count + delivery.direct.count
            delivery.loop.execute {
                // This loop's own copy: a few hundred bytes copied instead of thousands of contended retains.
                let frame = ByteBuffer(bytes: frame.readableBytesView)
                let previewFrame = previewFrame.map { ByteBuffer(bytes: $0.readableBytesView) }
                let tag = EventTag(jobID: event.jobID, seq: event.seq, isProgress: isProgress)
                let now = delivery.loop.now
                var waiting: [Connection] = []
                var coalesced = 0
                for list in [delivery.global, delivery.direct] {
                    for connection in list {
                        let preview = previewFrame.flatMap { previewing.contains(connection.id) ? $0 : nil }
                        let (needsDrain, wasCoalesced) = connection.handler.value.deliver(frame, preview: preview, event: tag, now: now)
                        if wasCoalesced { coalesced += 1 }
                        if needsDrain { waiting.append(connection) }
                    }
                }
                if coalesced > 0 { metrics.progressCoalesced.increment(by: coalesced) }
                Self.drain(waiting, on: delivery.loop, after: delay)
            }
        }
        metrics.eventsPublished.increment()
        metrics.messagesDelivered.increment(by: recipients)
    }
}

extension ConnectionManager {
    var writeDelay: TimeAmount { .nanoseconds(configuration.writeDelay.nanoseconds) }

    /// Writes the frames waiting on `connections` after `delay`, so that frames close together share each socket's
    /// write; one timer for all of them. Runs on `loop`.
    static func drain(_ connections: [Connection], on loop: any EventLoop, after delay: TimeAmount) {
        guard !connections.isEmpty else { return }
        if delay > .zero {
            loop.scheduleTask(in: delay) { for connection in connections { connection.handler.value.drainDue() } }
        } else {
            for connection in connections { connection.handler.value.drainDue() }
        }
    }
}

extension ConnectionManager.Registry {
    /// One event loop's recipients of a job's event.
    struct Delivery {
        let loop: any EventLoop
        let global: [ConnectionManager.Connection]
        var direct: [ConnectionManager.Connection] = []
    }

    mutating func shardIndex(for loop: any EventLoop) -> Int {
        if let index = shards.firstIndex(where: { $0.loop === loop }) { return index }
        shards.append(ConnectionManager.Shard(loop: loop))
        return shards.count - 1
    }

    mutating func setFollowsAllJobs(_ connection: ConnectionManager.Connection, _ follows: Bool) {
        let changed = follows
            ? shards[connection.shard].global.updateValue(connection, forKey: connection.id) == nil
            : shards[connection.shard].global.removeValue(forKey: connection.id) != nil
        if changed { shards[connection.shard].globalList = nil }
    }

    func followsAllJobs(_ id: String) -> Bool {
        guard let connection = connections[id] else { return false }
        return shards[connection.shard].global[id] != nil
    }

    /// Per event loop, the all-jobs subscribers and the job's own subscribers that do not follow all jobs.
    mutating func deliveries(of jobID: JobID, batchFollowers: Bool = true) -> [Delivery] {
        var deliveries = shards.indices.map { index in
            if shards[index].globalList == nil { shards[index].globalList = Array(shards[index].global.values) }
            return Delivery(loop: shards[index].loop, global: shards[index].globalList ?? [])
        }
        var direct = subscribers[jobID] ?? []
        if batchFollowers, let batch = batches.batchOfJob[jobID] { direct.formUnion(batches.subscribers[batch] ?? []) }
        for id in direct {
            guard let connection = connections[id], shards[connection.shard].global[id] == nil else { continue }
            deliveries[connection.shard].direct.append(connection)
        }
        return deliveries.filter { !$0.global.isEmpty || !$0.direct.isEmpty }
    }
}
