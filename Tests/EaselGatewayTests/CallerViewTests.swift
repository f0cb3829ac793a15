import AsyncHTTPClient
import DynamicJSON
import EaselTesting
import Foundation
import Logging
import NIOCore
import SDNextEmulator
import Testing

/// The routes SD.Next answers for its one server, answered by the gateway for the caller's own job and settings.
@Suite(.timeLimit(.minutes(1))) struct CallerViewTests {
    @Test func progressReportsTheCallersRunningJobThenIdle() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 40) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                let idle = try await client.get("/sdapi/v1/progress")
                #expect(idle.body["state"]?["job_count"] == .number(0) && idle.body["progress"] == .number(0))

                async let generation = client.post("/sdapi/v1/txt2img", #"{"prompt": "slow", "steps": 30, "width": 64, "height": 64}"#)
                var seen: JSONValue = .null
                try await waitUntil("a preview mid-generation", within: 20) {
                    seen = try await client.get("/sdapi/v1/progress?skip_current_image=false").body
                    return (seen["state"]?["sampling_step"]?.int ?? 0) > 2 && seen["current_image"]?.string != nil
                }
                #expect(seen["state"]?["job"]?.string == "Inference", "SD.Next's stage while it samples")
                #expect(seen["state"]?["sampling_steps"] == .number(30))
                #expect((seen["progress"]?.double ?? 0) > 0)
                #expect(seen["id"]?.string?.isEmpty == false)
                let internalProgress = try await client.post("/internal/progress", #"{"id_task": null, "id_live_preview": 0}"#)
                #expect(internalProgress.body["active"] == .bool(true))
                #expect(internalProgress.body["live_preview"]?.string?.hasPrefix("data:image/jpeg;base64,") == true)
                let skipped = try await client.get("/sdapi/v1/progress?skip_current_image=true")
                #expect(skipped.body["current_image"] == .null)

                #expect(try await generation.status == 200)
                let after = try await client.get("/sdapi/v1/progress").body
                #expect(after["state"]?["job"] == .string("") && after["state"]?["job_count"] == .number(0))
                #expect(after["state"]?["sampling_steps"] == .number(30), "SD.Next keeps the last step counts")
                let status = try await client.get("/sdapi/v1/status").body
                #expect(status["status"] == .string("idle") && status["total"] == .number(1))
                let history = try await client.get("/sdapi/v1/history").body
                #expect(history.array?.map { $0["op"]?.string } == ["begin", "end"])
                let badFlag = try await client.get("/sdapi/v1/progress?skip_current_image=maybe")
                #expect(badFlag.status == 422 && badFlag.body["detail"]?.array?.first?["loc"] == .array([.string("query"), .string("skip_current_image")]))
            }
        }
    }

    @Test func interruptEndsTheCallersJobAndTheCallAnswersLikeSDNext() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 40) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                async let generation = client.post("/sdapi/v1/txt2img", #"{"prompt": "long", "steps": 150, "width": 64, "height": 64}"#)
                try await waitUntil("the job samples", within: 30) {
                    try await client.get("/sdapi/v1/progress").body["state"]?["job"] == .string("Inference")
                }
                let interrupt = try await client.call(.POST, "/sdapi/v1/interrupt")
                #expect(interrupt.status == 204)
                let answer = try await generation
                #expect(answer.status == 200)
                #expect(answer.body["images"] == .array([]) && answer.body["info"] == .string(""))
                let (_, view) = try await hub.request(.GET, "/api/v1/generation/jobs/\(try #require(answer.jobID))")
                #expect(view["delivery"]?["status"]?.string == "cancelled")
                #expect(try await client.get("/sdapi/v1/progress").body["state"]?["interrupted"] == .bool(true))
            }
        }
    }

    @Test func skipReachesTheBackendRunningTheCallersJob() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 30) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                async let generation = client.post(
                    "/sdapi/v1/txt2img", #"{"prompt": "three", "steps": 60, "n_iter": 3, "width": 64, "height": 64}"#)
                try await waitUntil("the first iteration samples", within: 30) {
                    let progress = try await client.get("/sdapi/v1/progress").body
                    return progress["state"]?["job"] == .string("Inference") && (progress["state"]?["sampling_step"]?.int ?? 0) > 1
                }
                #expect(try await client.call(.POST, "/sdapi/v1/skip").status == 204)
                let answer = try await generation
                #expect(answer.status == 200)
                // SD.Next's skip drops the running iteration and, its flag still set, the next one.
                #expect(answer.body["images"]?.array?.count == 1)
                #expect(try await client.get("/sdapi/v1/progress").body["state"]?["skipped"] == .bool(true))
            }
        }
    }

    @Test func aModelSetThroughOptionsRoutesTheCallersNextJobs() async throws {
        var first = EmulatorConfiguration.testing()
        first.models = ["alpha"]
        var second = EmulatorConfiguration.testing()
        second.models = ["beta"]
        try await withSDNextEmulators(configurations: [first, second], logger: Logger(label: "test-emulator")) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let client = GatewayClient(hub: hub)
                try await waitUntil("both inventories read") {
                    try await hub.request(.GET, "/api/v1/generation/models").body["checkpoints"]?.array?.count == 2
                }
                let set = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint": "beta"}"#)
                #expect(set.status == 200 && set.body["updated"] == .array([.object(["sd_model_checkpoint": .bool(true)])]))
                #expect(try await client.call(.POST, "/sdapi/v1/reload-checkpoint").status == 204)
                let options = try await client.get("/sdapi/v1/options").body
                #expect(options["sd_model_checkpoint"]?.string?.hasPrefix("beta [") == true)
                #expect(try await client.get("/sdapi/v1/checkpoint").body["name"]?.string == "beta")

                for _ in 0..<3 {
                    let answer = try await client.post("/sdapi/v1/txt2img", #"{"prompt": "p", "steps": 2, "width": 64, "height": 64}"#)
                    #expect(answer.status == 200)
                    #expect(answer.body.infoDocument?["infotexts"]?.array?.first?.string?.contains("Model: beta") == true)
                    let (_, view) = try await hub.request(.GET, "/api/v1/generation/jobs/\(try #require(answer.jobID))")
                    #expect(view["delivery"]?["backend_url"]?.string == emulators[1].baseURL)
                }
                let unknown = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint": "gamma"}"#)
                #expect(unknown.status == 404 && unknown.body["error_code"] == .string("model_unavailable"))
                let inBody = try await client.post("/sdapi/v1/txt2img", #"{"prompt": "p", "sd_model_checkpoint": "gamma"}"#)
                #expect(inBody.status == 404 && inBody.body["error_code"] == .string("model_unavailable"))
                #expect(inBody.body["error"] == .string("HTTPException"))
                // As SD.Next's opts.set: an option no backend has is not kept.
                let bogus = try await client.post("/sdapi/v1/options", #"{"no_such_option": 1, "samples_format": "png"}"#)
                #expect(bogus.body["updated"] == .array([
                    .object(["no_such_option": .bool(false)]), .object(["samples_format": .bool(true)]),
                ]))
                #expect(try await client.get("/sdapi/v1/options").body["no_such_option"] == nil)
            }
        }
    }

    @Test func aCallerThatGoesAwayLeavesItsJobToFinish() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 20) { emulators in
            try await withHub(backends: [emulators[0].baseURL]) { hub in
                let client = GatewayClient(hub: hub)
                var request = HTTPClientRequest(url: hub.baseURL + "/sdapi/v1/txt2img")
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: #"{"prompt": "abandoned", "steps": 40, "width": 64, "height": 64}"#))
                let call = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(60)) }
                try await waitUntil("the job samples", within: 30) {
                    try await client.get("/sdapi/v1/progress").body["state"]?["job"] == .string("Inference")
                }
                call.cancel()
                _ = await call.result
                let id = try #require(try await client.get("/sdapi/v1/progress").body["id"]?.string)
                try await waitUntil("the job completes without its caller", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"]?["status"]?.string == "completed"
                }
            }
        }
    }
}
