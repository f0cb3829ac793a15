import NIOCore
import NIOPosix
import Synchronization

/// Many subscriber sockets on a few event loops, each recording into the loop's own shard of one
/// `DeliveryRecorder`. Sources are spread over 127.0.0.2… so more connections fit than one source address has
/// ephemeral ports. Use it through `withSubscriberPool`, which closes every socket and stops the loops.
public final class SubscriberPool: Sendable {
    public let recorder: DeliveryRecorder
    public let counters = ConnectionCounters()
    private let loops: [any EventLoop]
    private let serverPort: Int
    private let sourceAddresses: [String]
    private let channels = Mutex<[(channel: any Channel, stalls: Bool)]>([])
    private static let path = "/api/v1/ws/progress"

    init(group: MultiThreadedEventLoopGroup, serverPort: Int, sourceAddressCount: Int) {
        loops = Array(group.makeIterator())
        recorder = DeliveryRecorder(shardCount: loops.count)
        self.serverPort = serverPort
        sourceAddresses = (0..<max(1, sourceAddressCount)).map { "127.0.0.\(2 + $0 % 250)" }
    }

    /// Opens connections `indices`, at most `concurrency` handshakes at a time; returns how many failed.
    /// Subscriptions complete in the background: see `waitForConfirmations`.
    @discardableResult
    public func connect(_ indices: Range<Int>, concurrency: Int = 128, behavior: @Sendable (Int) -> SubscriberBehavior) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            var pending = indices.makeIterator()
            var failures = 0
            for _ in 0..<max(1, concurrency) {
                guard let index = pending.next() else { break }
                let chosen = behavior(index)
                group.addTask { (try? await self.open(index, behavior: chosen, confirmation: false)) != nil }
            }
            while let opened = await group.next() {
                if !opened { failures += 1 }
                if let index = pending.next() {
                    let chosen = behavior(index)
                    group.addTask { (try? await self.open(index, behavior: chosen, confirmation: false)) != nil }
                }
            }
            return failures
        }
    }

    /// Opens one connection and waits until its subscription is confirmed; the caller closes it (`close`).
    public func openConfirmed(_ index: Int, behavior: SubscriberBehavior) async throws -> any Channel {
        try await open(index, behavior: behavior, confirmation: true)
    }

    /// Closes one connection from the client side, without a close frame (as a vanishing client does).
    public func close(_ channel: any Channel) async {
        channel.pipeline.fireUserInboundEventTriggered(ClientClose())
        try? await channel.closeFuture.get()
    }

    /// Waits until `count` subscriptions were confirmed in all, or `timeout` passes; returns whether they were.
    public func waitForConfirmations(_ count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while counters.confirmations < count {
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(20))) != nil else { return false }
        }
        return true
    }

    /// Lets stalled subscribers read again, so they see whether the server closed them.
    public func resumeStalled() {
        for entry in channels.withLock({ $0 }) where entry.stalls {
            entry.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            entry.channel.read()
        }
    }

    private func open(_ index: Int, behavior: SubscriberBehavior, confirmation: Bool) async throws -> any Channel {
        let loop = loops[index % loops.count]
        let shard = recorder.shard(index % loops.count)
        let promise: EventLoopPromise<Void>? = confirmation ? loop.makePromise() : nil
        let counters = self.counters
        let request = WebSocketFraming.upgradeRequest(host: "127.0.0.1", port: serverPort, path: Self.path)
        var bootstrap = ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SubscriberHandler(
                        behavior: behavior, upgradeRequest: request, shard: shard, counters: counters, confirmation: promise))
                }
            }
        if behavior.stalls { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: 4096) }
        let source = try SocketAddress(ipAddress: sourceAddresses[index % sourceAddresses.count], port: 0)
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(to: source).connect(host: "127.0.0.1", port: serverPort).get()
        } catch {
            promise?.fail(error)
            throw error
        }
        if let promise {
            try await promise.futureResult.get()
        } else {
            channels.withLock { $0.append((channel, behavior.stalls)) }
        }
        return channel
    }

    fileprivate func closeAll() async {
        let all = channels.withLock { channels in
            defer { channels.removeAll() }
            return channels.map(\.channel)
        }
        for channel in all { channel.pipeline.fireUserInboundEventTriggered(ClientClose()) }
        for channel in all { try? await channel.closeFuture.get() }
    }
}

/// Runs `body` with a pool on `threads` event loops, then closes every connection and stops the loops.
public func withSubscriberPool<Result: Sendable>(
    serverPort: Int, threads: Int, sourceAddressCount: Int, _ body: (SubscriberPool) async throws -> Result
) async throws -> Result {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
    let pool = SubscriberPool(group: group, serverPort: serverPort, sourceAddressCount: sourceAddressCount)
    let result: Result
    do {
        result = try await body(pool)
    } catch {
        await pool.closeAll()
        try? await group.shutdownGracefully()
        throw error
    }
    await pool.closeAll()
    try await group.shutdownGracefully()
    return result
}
