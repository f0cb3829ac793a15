import DynamicJSON
import EaselClient
import EaselProtocol
import EaselServer
import EaselTesting
import Foundation
import Testing

/// `metrics_update` to metrics subscribers of a real hub, and the queue's pause and drain announced on every socket.
@Suite(.timeLimit(.minutes(2))) struct MetricsSubscriptionTests {
    private static func fastMetrics(_ configuration: inout EaselConfiguration) {
        configuration.realtime.metricsInterval = .milliseconds(200)
    }

    @Test func aMetricsSubscriberGetsBackendsAndQueueCountsAfterJobsRun() async throws {
        try await withEmulators(count: 2) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: Self.fastMetrics) { hub in
                try await withSocket(hub) { follower in
                    try await follower.subscribeToAll()
                    try await withMetrics(hub) { updates, confirmation in
                        #expect(confirmation == .subscriptionConfirmed(jobIDs: [], recovered: nil, metricsInterval: 0.2))
                        let first = try await updates.next()
                        #expect(first.backends.map(\.url) == emulators.map(\.baseURL))
                        #expect(first.backends.map(\.id) == ["0", "1"])
                        #expect(first.sockets.metricsSubscribers == 1 && first.sockets.connections == 2)

                        let ids = [
                            try await hub.queue(#"{"prompt":"one","steps":2,"width":64,"height":64}"#),
                            try await hub.queue(#"{"prompt":"two","steps":2,"width":64,"height":64}"#),
                        ]
                        _ = try await follower.lifecycles(of: ids)
                        var update = first
                        // The status counts are read one after another, so an update may catch a job between two.
                        try await waitUntil("an update counts both jobs, none left queued or running") {
                            update = try await updates.next()
                            return update.queue.depth["completed"] == 2 && update.queue.depth["queued"] == 0
                                && update.queue.depth["processing"] == 0
                        }
                        #expect(update.queue.paused == false)
                        #expect(update.jobs == .init(completedPerMinute: 2, failedPerMinute: 0))
                        #expect((update.runSeconds.p50 ?? 0) > 0 && update.waitSeconds.p95 != nil)
                        #expect(update.backends.allSatisfy { ["idle", "busy"].contains($0.state) })

                        // The job subscriber follows jobs only: by its pong, updates have gone out, none to it.
                        try await follower.send(#"{"type":"ping"}"#)
                        _ = try await follower.next("pong")
                        #expect(!follower.received.contains { $0["type"]?.string == "metrics_update" })
                        #expect(updates.sawJobEvents == false)
                    }
                }
            }
        }
    }

    @Test func metricsStopWithFalseOrUnsubscribe() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: Self.fastMetrics) { hub in
                try await withSocket(hub) { other in
                    try await other.send(#"{"type":"subscribe","metrics":true}"#)
                    _ = try await other.next("subscription_confirmed")
                    try await withMetrics(hub, interval: 0.4) { observer, confirmation in
                        #expect(confirmation == .subscriptionConfirmed(jobIDs: [], recovered: nil, metricsInterval: 0.4))
                        try await waitUntil("the observer counts two subscribers") {
                            try await observer.next().sockets.metricsSubscribers == 2
                        }
                        try await other.send(#"{"type":"subscribe","metrics":false}"#)
                        #expect(try await other.next("subscription_confirmed")["data"]?["metrics_interval"] == nil)
                        try await waitUntil("metrics: false leaves one subscriber") {
                            try await observer.next().sockets.metricsSubscribers == 1
                        }
                        try await other.send(#"{"type":"subscribe","metrics":true}"#)
                        _ = try await other.next("subscription_confirmed")
                        try await other.send(#"{"type":"unsubscribe","metrics":true}"#)
                        #expect(try await other.next("unsubscription_confirmed")["data"]?["job_ids"] == .array([]))
                        try await waitUntil("unsubscribe leaves one subscriber again") {
                            try await observer.next().sockets.metricsSubscribers == 1
                        }
                    }
                }
            }
        }
    }

    @Test func pauseResumeAndDrainReachEverySocket() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    _ = try await hub.request(.POST, "/api/v1/generation/queue/pause")
                    #expect(try await socket.next("queue_paused")["data"]?["paused"] == .bool(true))
                    _ = try await hub.request(.POST, "/api/v1/generation/queue/resume")
                    #expect(try await socket.next("queue_resumed")["data"]?["paused"] == .bool(false))
                    _ = try await hub.request(.POST, "/api/v1/generation/backends/0/drain")
                    let drained = try await socket.next("backend_drained")["data"]
                    #expect(drained?["backend_id"]?.string == "0" && drained?["url"]?.string == emulators[0].baseURL)
                    #expect(drained?["draining"] == .bool(true))
                    _ = try await hub.request(.POST, "/api/v1/generation/backends/0/resume")
                    #expect(try await socket.next("backend_resumed")["data"]?["draining"] == .bool(false))
                }
            }
        }
    }

    @Test(arguments: [
        (#"{"type":"subscribe","metrics":"yes"}"#, "invalid_metrics"),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":0.1}"#, "invalid_metrics_interval"),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":61}"#, "invalid_metrics_interval"),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":"2"}"#, "invalid_metrics_interval"),
        (#"{"type":"subscribe","metrics_interval":2}"#, "invalid_metrics_interval"),
        (#"{"type":"unsubscribe","metrics":true,"job_ids":null}"#, "invalid_metrics"),
    ])
    func badMetricsValuesAreClearErrors(message: String, code: String) async throws {
        try await withHub(backends: ["http://127.0.0.1:9"]) { hub in
            try await withSocket(hub) { socket in
                try await socket.send(message)
                let error = try await socket.next("error")["data"]
                #expect(error?["code"]?.string == code)
                #expect(error?["message"]?.string?.isEmpty == false)
                // Nothing was subscribed: no update comes before the pong.
                try await socket.send(#"{"type":"ping"}"#)
                _ = try await socket.next("pong")
                #expect(!socket.received.contains { $0["type"]?.string == "subscription_confirmed" })
            }
        }
    }
}

/// A metrics subscriber through the `easel` client's own watcher, so the updates arrive decoded.
final class MetricsUpdates {
    private var events: AsyncThrowingStream<ProgressWatcher.Event, any Error>.AsyncIterator
    /// Whether a job event reached the metrics-only subscriber.
    private(set) var sawJobEvents = false

    init(_ events: AsyncThrowingStream<ProgressWatcher.Event, any Error>) {
        self.events = events.makeAsyncIterator()
    }

    /// The next server message.
    func nextMessage() async throws -> ServerMessage {
        while true {
            guard let event = try await events.next() else { throw TestFailure("metrics socket closed") }
            guard case .message(let message) = event else { continue }
            if case .job = message { sawJobEvents = true }
            return message
        }
    }

    /// The next `metrics_update`.
    func next() async throws -> MetricsSnapshot {
        while true {
            if case .metricsUpdate(let snapshot) = try await nextMessage() { return snapshot }
        }
    }
}

/// Subscribes to metrics only (`interval` seconds, or the server's) and hands `body` the updates and the confirmation.
func withMetrics(
    _ hub: TestHub, interval: Double? = nil, _ body: (MetricsUpdates, ServerMessage) async throws -> Void
) async throws {
    let watcher = ProgressWatcher(endpoint: try ServerEndpoint(hub.baseURL))
    try await watcher.withEvents(subscribing: Subscription(nil, metrics: MetricsRequest(enabled: true, interval: interval))) { events in
        let updates = MetricsUpdates(events)
        var confirmation = try await updates.nextMessage()
        while case .connected = confirmation { confirmation = try await updates.nextMessage() }
        try await body(updates, confirmation)
    }
}
