import DynamicJSON
import EaselTesting
import Foundation
import Synchronization
import SDNext
import Testing

/// The seed's message flow end to end: a real Easel server, real emulated SD.Next backends, a real socket.
@Suite(.timeLimit(.minutes(2))) struct MessageFlowTests {
    @Test func aQueuedJobStreamsStartedProgressAndOneCompletion() async throws {
        // Sampling lasts 12 × 40 ms, twelve of the hub's 40 ms polls, so a loaded machine still sees a step inside it.
        try await withEmulators(count: 1, stepMilliseconds: 40) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"subscribe","job_ids":null}"#)
                    let confirmation = try await socket.next("subscription_confirmed")
                    #expect(confirmation["data"]?["job_ids"]?.isNull == true)

                    let job = try await hub.queue(#"{"prompt":"a red fox","steps":12,"width":64,"height":64}"#)
                    let events = try await socket.lifecycle(of: job)
                    let types = events.compactMap { $0["type"]?.string }
                    #expect(types.first == "generation_started")
                    #expect(types.last == "generation_complete")
                    #expect(types.filter { $0 == "generation_complete" }.count == 1)
                    #expect(types.dropFirst().dropLast().allSatisfy { $0 == "progress_update" })

                    let seqs = events.compactMap { $0["data"]?["seq"]?.int }
                    #expect(seqs == Array(1...events.count))

                    let updates = events.filter { $0["type"]?.string == "progress_update" }.compactMap { $0["data"] }
                    let fractions = updates.compactMap { $0["progress"]?.double }
                    #expect(fractions == fractions.sorted())
                    // A job queued for a moment may first get its place in line (`queued`, no steps yet).
                    #expect(updates.filter { $0["status"]?.string != "queued" }.allSatisfy { $0["total_steps"]?.int == 12 })
                    #expect(updates.contains { ($0["current_step"]?.int ?? 0) > 0 && ($0["current_step"]?.int ?? 0) < 12 })
                    #expect(updates.last?["status"]?.string == "completed")
                    #expect(updates.last?["progress"]?.double == 1)

                    let complete = try #require(events.last?["data"])
                    #expect(complete["status"]?.string == "completed")
                    #expect(complete["error_message"]?.isNull == true)
                    #expect(complete["generation_info"]?["prompt"]?.string == "a red fox")
                    let url = try #require(complete["images"]?[0]?.string)
                    let image = try await hub.raw(.GET, url)
                    #expect(image.status == 200)
                    #expect(Array(image.data.prefix(3)) == [0xFF, 0xD8, 0xFF])
                }
            }
        }
    }

    @Test func theSecondMountAndBase64FormatWork() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub, path: "/v1/ws/progress") { socket in
                    try await socket.subscribeToAll()
                    let job = try await hub.queue(#"{"prompt":"a cat","steps":4,"width":64,"height":64}"#,
                                                  query: "?return_format=base64")
                    let complete = try await socket.next("generation_complete", job: job)
                    let encoded = try #require(complete["data"]?["images"]?[0]?.string)
                    #expect(encoded.hasPrefix("/9j/"))
                }
            }
        }
    }

    @Test func aLateSubscriberGetsTheCurrentStateAtOnce() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let (status, result) = try await hub.request(
                    .POST, "/api/v1/generation/generate", json: #"{"prompt":"a boat","steps":4,"width":64,"height":64}"#)
                #expect(status == 200)
                #expect(result["status"]?.string == "completed")
                let job = try #require(result["job_id"]?.string)
                try await withSocket(hub) { socket in
                    try await socket.send(#"{"type":"subscribe","job_ids":["\#(job)"]}"#)
                    let confirmation = try await socket.next("subscription_confirmed")
                    #expect(confirmation["data"]?["job_ids"]?[0]?.string == job)
                    let progress = try await socket.next("progress_update", job: job)
                    #expect(progress["data"]?["status"]?.string == "completed")
                    let complete = try await socket.next("generation_complete", job: job)
                    #expect(complete["data"]?["images"]?.array?.count == 1)
                }
            }
        }
    }

    @Test func previewsGoOnlyToConnectionsThatAskedForThem() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 20) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
                let observed = try await withThrowingTaskGroup(of: (Bool, [JSONValue]).self) { group in
                    for includePreviews in [true, false] {
                        group.addTask {
                            let box = MessagesBox()
                            try await withSocket(hub) { socket in
                                try await socket.send(#"{"type":"subscribe","job_ids":null,"include_previews":\#(includePreviews)}"#)
                                _ = try await socket.next("subscription_confirmed")
                                readyContinuation.yield()
                                var messages: [JSONValue] = []
                                while messages.last?["type"]?.string != "generation_complete" {
                                    messages.append(try await socket.next())
                                }
                                box.set(messages)
                            }
                            return (includePreviews, box.messages)
                        }
                    }
                    var iterator = ready.makeAsyncIterator()
                    _ = await iterator.next()
                    _ = await iterator.next()
                    _ = try await hub.queue(#"{"prompt":"a preview","steps":40,"width":128,"height":128}"#)
                    return try await group.reduce(into: [Bool: [JSONValue]]()) { $0[$1.0] = $1.1 }
                }
                let previews = (observed[true] ?? []).compactMap { $0["data"]?["preview_image"]?.string }
                #expect(!previews.isEmpty)
                #expect(previews.allSatisfy { $0.hasPrefix("/9j/") })
                let plain = observed[false] ?? []
                #expect(plain.contains { $0["type"]?.string == "progress_update" })
                #expect(plain.allSatisfy { $0["data"]?["preview_image"]?.string == nil })
            }
        }
    }
}

/// Carries messages out of a `@Sendable` socket handler.
final class MessagesBox: Sendable {
    private let storage = Mutex<[JSONValue]>([])
    func set(_ messages: [JSONValue]) { storage.withLock { $0 = messages } }
    var messages: [JSONValue] { storage.withLock { $0 } }
}
