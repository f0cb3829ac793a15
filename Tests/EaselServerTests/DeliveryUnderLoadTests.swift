import EaselTesting
import Synchronization
import Foundation
import HummingbirdWSClient
import Logging
import Testing

/// Backpressure, heartbeats, limits and disconnect handling of the progress socket (not timed: each test waits for
/// the event it is about).
@Suite(.timeLimit(.minutes(3))) struct DeliveryUnderLoadTests {
    private func connections(_ hub: TestHub) async throws -> Int? {
        try await hub.request(.GET, "/api/v1/ws/stats").body["connections"]?.int
    }

    @Test func aStalledClientNeitherDelaysNorLosesEventsForAHealthyOne() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: {
                $0.realtime.maxOutboxBytes = 256 * 1024
                $0.realtime.writeTimeout = .seconds(1)
                $0.realtime.maxMessagesPerSecond = 10_000
                $0.realtime.messageBurst = 10_000
            }) { hub in
                let stalled = try await RawWebSocket.offPool { try RawWebSocket(port: hub.port, receiveBuffer: 4096) }
                try await RawWebSocket.offPool { try stalled.sendText(#"{"type":"subscribe","job_ids":null}"#) }
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    // The stalled peer asks for far more than it reads: 16 MB of pongs.
                    let padding = String(repeating: "x", count: 60_000)
                    // Sending stops early once the server has closed the stalled peer, which is the point.
                    try await RawWebSocket.offPool {
                        for _ in 0..<270 { guard (try? stalled.sendText(#"{"type":"ping","data":"\#(padding)"}"#)) != nil else { return } }
                    }
                    var jobs: [String] = []
                    for index in 0..<5 {
                        jobs.append(try await hub.queue(#"{"prompt":"healthy \#(index)","steps":4,"width":64,"height":64}"#))
                    }
                    for (_, events) in try await socket.lifecycles(of: jobs) {
                        #expect(events.first?["type"]?.string == "generation_started")
                        #expect(events.last?["data"]?["status"]?.string == "completed")
                        let seqs = events.compactMap { $0["data"]?["seq"]?.int }
                        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
                    }
                    // The stalled peer is closed as a slow consumer; the healthy one stays.
                    #expect(try await eventually(within: 30) { try await connections(hub) == 1 })
                    try await socket.send(#"{"type":"ping"}"#)
                    _ = try await socket.next("pong")
                }
                #expect(try await RawWebSocket.offPool { stalled.waitForServerClose(timeout: 30) })
            }
        }
    }

    @Test func aSilentPeerIsClosedByTheHeartbeat() async throws {
        try await withHub(backends: [], configure: { $0.realtime.heartbeatInterval = .milliseconds(200) }) { hub in
            let frames = try await RawWebSocket.offPool {
                try RawWebSocket(port: hub.port).framesUntilServerCloses(timeout: 10)
            }
            // Registered (`connected`), pinged, then told why, in that order; and forgotten.
            let opcodes = frames.map(\.opcode)
            #expect(opcodes.first == 0x1)
            #expect(opcodes.suffix(2) == [0x9, 0x8])
            let close = try #require(frames.last?.payload)
            #expect(close.prefix(2) == [0x03, 0xE9])
            #expect(String(decoding: close.dropFirst(2), as: UTF8.self) == "Ping timeout")
            #expect(try await eventually { try await connections(hub) == 0 })
        }
    }

    @Test func resumeReplaysExactlyTheMissedEventsOrSaysNotRecovered() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let job = try await hub.queue(#"{"prompt":"resume me","steps":30,"width":64,"height":64}"#)
                let (epoch, lastSeen) = try await firstEvents(of: job, on: hub)
                // Let the job finish while nobody listens.
                #expect(try await eventually {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]?["status"]?.string == "completed"
                })
                let resume = #"{"type":"subscribe","job_ids":["\#(job)"],"since":{"\#(job)":\#(lastSeen)},"epoch":"\#(epoch)"}"#
                try await withSocket(hub) { socket in
                    try await socket.send(resume)
                    let confirmation = try await socket.next("subscription_confirmed")
                    #expect(confirmation["data"]?["recovered"]?[job] == .bool(true))
                    let replay = try await socket.lifecycle(of: job)
                    let seqs = replay.compactMap { $0["data"]?["seq"]?.int }
                    #expect(seqs.allSatisfy { $0 > lastSeen } && seqs == seqs.sorted())
                    #expect(replay.map { $0["type"]?.string } == ["progress_update", "generation_complete"])
                    #expect(replay.first?["data"]?["status"]?.string == "completed")
                }
                // A position from another server run cannot be trusted: snapshot, recovered false.
                let stale = #"{"type":"subscribe","job_ids":["\#(job)"],"since":{"\#(job)":1},"epoch":"another-run"}"#
                try await withSocket(hub) { socket in
                    try await socket.send(stale)
                    let confirmation = try await socket.next("subscription_confirmed")
                    #expect(confirmation["data"]?["recovered"]?[job] == .bool(false))
                    let snapshot = try await socket.lifecycle(of: job)
                    #expect(snapshot.last?["data"]?["status"]?.string == "completed")
                }
                // Old clients that never send `since` see no `recovered` key.
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"subscribe","job_ids":["\#(job)"]}"#)
                    #expect(try await socket.next("subscription_confirmed")["data"]?["recovered"] == nil)
                }
            }
        }
    }

    /// Subscribes to `job`, reads its first events, then disconnects; returns the epoch and the last seq seen.
    private func firstEvents(of job: String, on hub: TestHub) async throws -> (String, Int) {
        let box = ResultBox()
        try await WebSocketClient.connect(url: hub.socketURL, logger: Logger(label: "resume")) { inbound, outbound, _ in
            let socket = TestSocket(inbound: inbound, outbound: outbound)
            let hello = try await socket.next()
            try await socket.send(#"{"type":"subscribe","job_ids":["\#(job)"]}"#)
            var seq = 0
            while seq < 3 {
                let message = try await socket.next()
                if message["data"]?["job_id"]?.string == job { seq = message["data"]?["seq"]?.int ?? seq }
            }
            box.set(hello["data"]?["epoch"]?.string ?? "", seq)
        }
        return box.value
    }

    @Test func everyLimitHasItsError() async throws {
        try await withHub(backends: [], configure: {
            $0.realtime.maxSubscriptionsPerConnection = 3
            $0.realtime.maxConnections = 2
            $0.realtime.maxMessagesPerSecond = 1
            $0.realtime.messageBurst = 5
        }) { hub in
            try await withSocket(hub) { socket in
                try await socket.send(#"{"type":"subscribe","job_ids":["a","b","c","d"]}"#)
                #expect(try await socket.next("error")["data"]?["code"]?.string == "too_many_subscriptions")
                let extra = try await RawWebSocket.offPool { try RawWebSocket(port: hub.port) }
                // Both sockets must be registered before the third arrives, or the third could take the second's place.
                #expect(try await eventually { try await connections(hub) == 2 })
                let third = try await WebSocketClient.connect(url: hub.socketURL, logger: Logger(label: "third")) { inbound, _, _ in
                    // A refused connection gets no message, only the close frame; anything else ends the wait too.
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        Issue.record("the connection over the limit was accepted: \(message)")
                        return
                    }
                }
                #expect(third?.closeCode == .init(codeNumber: 1013))
                _ = extra
                // Far more than the burst of 5, so even a slow sender outruns the refill of 1 a second.
                for _ in 0..<40 { try await socket.send(#"{"type":"ping"}"#) }
                #expect(try await socket.next("error")["data"]?["code"]?.string == "rate_limited")
            }
        }
    }

    @Test func aPeerThatHangsUpAfterItsLastAnswerIsForgotten() async throws {
        try await withHub(backends: []) { hub in
            try await RawWebSocket.offPool {
                let socket = try RawWebSocket(port: hub.port)
                // All jobs, and there are none: once confirmed, nothing more is due to this socket, so nothing is
                // left unread (which would make the kernel reset the connection) and only the hang-up tells the
                // server it left.
                try socket.sendText(#"{"type":"subscribe","job_ids":null}"#)
                var received = ""
                while !received.contains("subscription_confirmed") {
                    let bytes = try socket.read(timeout: 10)
                    guard !bytes.isEmpty else { throw TestFailure("the server closed the socket") }
                    received += String(decoding: bytes, as: UTF8.self)
                }
            }
            // Well within the 25 s heartbeat, which would otherwise be the first to notice.
            #expect(try await eventually { try await connections(hub) == 0 })
        }
    }

    @Test func churnLeavesNothingBehind() async throws {
        try await withHub(backends: []) { hub in
            let cycles = 10_000
            let workers = 16
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        try await RawWebSocket.offPool {
                            for cycle in stride(from: worker, to: cycles, by: workers) {
                                // Each socket vanishes without a close frame when it goes out of scope.
                                let socket = try RawWebSocket(port: hub.port)
                                try socket.sendText(#"{"type":"subscribe","job_ids":["job-\#(cycle % 50)"]}"#)
                                if cycle % 2 == 0 { try socket.sendText(#"{"type":"subscribe","job_ids":null}"#) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await eventually(within: 30) {
                let stats = try await hub.request(.GET, "/api/v1/ws/stats").body
                return stats["connections"]?.int == 0 && stats["subscribed_jobs"]?.int == 0
            })
        }
    }
}

/// Carries a result out of a `@Sendable` socket handler.
final class ResultBox: Sendable {
    private let storage = Mutex<(String, Int)>(("", 0))
    func set(_ epoch: String, _ seq: Int) { storage.withLock { $0 = (epoch, seq) } }
    var value: (String, Int) { storage.withLock { $0 } }
}
