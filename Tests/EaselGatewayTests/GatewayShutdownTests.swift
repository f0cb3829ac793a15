import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// A server that stops while SD.Next clients wait on their calls answers them and stops; their jobs stay queued.
@Suite(.timeLimit(.minutes(1))) struct GatewayShutdownTests {
    @Test func aWaitingCallIsAnsweredWhenTheServerStops() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-test-\(UUID().uuidString)")
        try await withEmulators(count: 1, stepMilliseconds: 10) { emulators in
            let call = try await withHub(backends: [emulators[0].baseURL], dataDirectory: folder) { hub in
                let client = GatewayClient(hub: hub)
                let call = Task {
                    try await client.post("/sdapi/v1/txt2img", #"{"prompt": "long", "steps": 150, "width": 64, "height": 64}"#)
                }
                try await waitUntil("the job samples") {
                    (try await client.get("/sdapi/v1/progress").body["state"]?["sampling_step"]?.int ?? 0) > 0
                }
                return call
            }
            let answer = try await call.value
            #expect(answer.status == 503)
            #expect(answer.body["error_code"] == .string("server_stopped"))
            let id = try #require(answer.body["job_id"]?.string)
            // The job went back to the queue with the stop, and the next start runs it.
            try await withHub(backends: [emulators[0].baseURL], dataDirectory: folder) { hub in
                try await waitUntil("the job completes after the restart", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "completed"
                }
            }
        }
    }
}
