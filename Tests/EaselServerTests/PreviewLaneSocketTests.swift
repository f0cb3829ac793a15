import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// Previews over a real socket whose reader stops reading: its previews are dropped while it is behind, and once it
/// reads again it gets every lifecycle event (its own pongs and both jobs' events) in order.
@Suite(.timeLimit(.minutes(3))) struct PreviewLaneSocketTests {
    @Test func aBlockedReaderLosesPreviewsButNoLifecycleEvent() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 20) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: {
                $0.realtime.maxOutboxBytes = 64 << 20
                $0.realtime.writeTimeout = .seconds(90)
                $0.realtime.maxMessagesPerSecond = 10_000
                $0.realtime.messageBurst = 10_000
            }) { hub in
                let blocked = try await RawWebSocket.offPool { try RawWebSocket(port: hub.port, receiveBuffer: 4096) }
                try await RawWebSocket.offPool { try blocked.sendText(#"{"type":"subscribe","job_ids":null,"include_previews":true}"#) }
                try await withSocket(hub) { healthy in
                    try await healthy.send(#"{"type":"subscribe","job_ids":null,"include_previews":true}"#)
                    _ = try await healthy.next("subscription_confirmed")
                    // The blocked peer asks for 16 MB of pongs and reads none: the server's socket to it fills up.
                    let padding = String(repeating: "x", count: 60_000)
                    let pings = 270
                    try await RawWebSocket.offPool { for _ in 0..<pings { try blocked.sendText(#"{"type":"ping","data":"\#(padding)"}"#) } }
                    let first = try await hub.queue(#"{"prompt":"while it falls behind","steps":60,"width":64,"height":64}"#)
                    // Progress coalesces only on a connection that is behind.
                    #expect(try await eventually(within: 30) { try await coalescedProgress(hub) > 0 })
                    let second = try await hub.queue(#"{"prompt":"all while behind","steps":40,"width":128,"height":128}"#)
                    let healthyEvents = try await healthy.lifecycles(of: [first, second])
                    #expect(healthyEvents[second]?.contains { $0["data"]?["preview_image"]?.string != nil } == true)

                    let frames = try await RawWebSocket.offPool {
                        try blocked.textFrames(until: { $0["type"]?.string == "generation_complete" && $0["data"]?["job_id"]?.string == second })
                    }
                    #expect(frames.pongs == pings)
                    let events = Dictionary(grouping: frames.messages) { $0["data"]?["job_id"]?.string ?? "" }
                    for job in [first, second] {
                        let received = events[job] ?? []
                        #expect(received.first?["type"]?.string == "generation_started")
                        #expect(received.last?["type"]?.string == "generation_complete")
                        let seqs = received.compactMap { $0["data"]?["seq"]?.int }
                        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count)
                        // Every lifecycle event the healthy reader got, in the same order.
                        #expect(lifecycleSeqs(received) == lifecycleSeqs(healthyEvents[job] ?? []))
                    }
                    let secondUpdates = (events[second] ?? []).filter { $0["type"]?.string == "progress_update" }
                    #expect(!secondUpdates.isEmpty)
                    #expect(secondUpdates.allSatisfy { $0["data"]?["preview_image"]?.string == nil })
                }
            }
        }
    }

    private func lifecycleSeqs(_ events: [JSONValue]) -> [Int] {
        events.filter { $0["type"]?.string != "progress_update" }.compactMap { $0["data"]?["seq"]?.int }
    }

    private func coalescedProgress(_ hub: TestHub) async throws -> Double {
        let metrics = String(decoding: try await hub.raw(.GET, "/metrics").data, as: UTF8.self)
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("easel_ws_progress_coalesced_total") }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }
}

extension RawWebSocket {
    /// How a pong's text ends (keys are sorted, `type` last).
    private static let pongEnding = Array(#""type":"pong"}"#.utf8)

    /// Reads text frames until one satisfies `done`: the pongs are counted, the other messages decoded.
    func textFrames(until done: (JSONValue) -> Bool, timeout: Double = 60) throws -> (pongs: Int, messages: [JSONValue]) {
        let deadline = Date().addingTimeInterval(timeout)
        var bytes: [UInt8] = []
        var offset = 0
        var pongs = 0
        var messages: [JSONValue] = []
        while true {
            let chunk = try read(timeout: max(0.01, deadline.timeIntervalSinceNow))
            guard !chunk.isEmpty else { throw TestFailure("the server closed the socket") }
            bytes.removeFirst(offset)
            offset = 0
            bytes += chunk
            while let (payload, next) = Self.frame(in: bytes, at: offset) {
                offset = next
                if payload.suffix(Self.pongEnding.count).elementsEqual(Self.pongEnding) {
                    pongs += 1
                    continue
                }
                guard let message = try? JSONDecoder().decode(JSONValue.self, from: Data(payload)) else { continue }
                messages.append(message)
                if done(message) { return (pongs, messages) }
            }
        }
    }

    /// The payload of the complete frame at `offset` and where the next one starts; nil while it is incomplete.
    private static func frame(in bytes: [UInt8], at offset: Int) -> (ArraySlice<UInt8>, Int)? {
        guard offset + 2 <= bytes.count else { return nil }
        var length = Int(bytes[offset + 1] & 0x7F)
        var header = 2
        if length == 126 {
            guard offset + 4 <= bytes.count else { return nil }
            length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            header = 4
        } else if length == 127 {
            guard offset + 10 <= bytes.count else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
            header = 10
        }
        guard offset + header + length <= bytes.count else { return nil }
        return (bytes[(offset + header)..<(offset + header + length)], offset + header + length)
    }
}
