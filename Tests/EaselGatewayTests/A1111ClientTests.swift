import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// An A1111 client through the gateway: A1111's fields as far as SD.Next takes them, and A1111's own way of
/// following a call, `force_task_id` then `/internal/progress` and `/internal/pending-tasks` by that id.
@Suite(.timeLimit(.minutes(1))) struct A1111ClientTests {
    @Test func aTaskIDFollowsTheCallFromQueuedToCompleted() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 30) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                // The first call holds the only backend, so the second one waits in the queue.
                async let first = client.post(
                    "/sdapi/v1/txt2img", #"{"prompt": "first", "steps": 40, "width": 64, "height": 64, "force_task_id": "task(one)"}"#)
                try await waitUntil("the first call runs") {
                    try await client.post("/internal/progress", #"{"id_task": "task(one)"}"#).body["active"] == .bool(true)
                }
                async let second = client.post("/sdapi/v1/txt2img", #"""
                    {"prompt": "second", "steps": 3, "width": 64, "height": 64, "sampler_index": "Euler a",
                     "restore_faces": false, "force_task_id": "task(two)"}
                    """#)
                try await waitUntil("the second call waits") {
                    try await client.get("/internal/pending-tasks").body == .object(["size": .number(1), "tasks": .array([.string("task(two)")])])
                }
                let queued = try await client.post("/internal/progress", #"{"id_task": "task(two)", "id_live_preview": -1}"#).body
                #expect(queued["queued"] == .bool(true) && queued["active"] == .bool(false))
                let progress = try await client.get("/sdapi/v1/progress").body
                #expect(progress["current_task"] == .string("task(two)"), "A1111's key, for the caller's newest call")

                #expect(try await first.status == 200)
                let answer = try await second
                #expect(answer.status == 200)
                #expect(answer.body["parameters"]?["sampler_index"] == .string("Euler a"))
                let done = try await client.post("/internal/progress", #"{"id_task": "task(two)"}"#).body
                #expect(done["completed"] == .bool(true) && done["active"] == .bool(false))
                #expect(try await client.get("/internal/pending-tasks").body["size"] == .number(0))
            }
        }
    }
}
