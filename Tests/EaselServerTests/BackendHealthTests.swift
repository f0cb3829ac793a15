import AsyncHTTPClient
import DynamicJSON
import EaselProtocol
import EaselServer
import EaselTesting
import Foundation
import NIOCore
import SDNext
import SDNextEmulator
import Testing

/// A backend that keeps failing is taken out of dispatch until a probe succeeds; a backend running someone else's
/// job gets no job until it is idle again. Both are visible in `GET generation/backends`.
@Suite(.timeLimit(.minutes(2))) struct BackendHealthTests {
    private func backend(_ hub: TestHub) async throws -> JSONValue {
        try #require(try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?[0])
    }

    private func startedAt(_ hub: TestHub, _ job: String) async throws -> Date {
        let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]
        return try #require(delivery?["started_at"]?.string.flatMap(WireTimestamp.date(from:)))
    }

    /// The emulator's `/sdapi/v1/history`: every stage's begin and end, in Unix seconds.
    private func emulatorHistory(_ emulator: RunningEmulator) async throws -> [JSONValue] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: emulator.baseURL + "/sdapi/v1/history"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(JSONValue.self, from: Data(String(buffer: body).utf8)).arrayValue ?? []
    }

    @Test func aFailingBackendIsTakenOutOfDispatchUntilAHalfOpenProbeSucceeds() async throws {
        try await withEmulators(count: 1) { emulators in
            let configure: (inout EaselConfiguration) -> Void = {
                $0.worker.circuitBreaker.failureThreshold = 2
                $0.worker.circuitBreaker.cooldown = .seconds(1)
                $0.worker.maxAttempts = 1  // one generation per job, so the failures counted are the jobs'
            }
            try await withHub(backends: emulators.map(\.baseURL), configure: configure) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    var faults = FaultSettings()
                    faults.serverError = true
                    await emulators[0].controls.setFaults(faults)
                    for attempt in 0..<2 {
                        let job = try await hub.queue(#"{"prompt":"boom \#(attempt)","steps":2,"width":64,"height":64}"#)
                        let complete = try await socket.next("generation_complete", job: job)
                        #expect(complete["data"]?["error_code"]?.string == "sdnext_error")
                    }
                    let open = try await backend(hub)
                    #expect(open["circuit"]?.string == "open")
                    #expect(open["consecutive_failures"]?.int == 2)
                    let retryAt = try #require(open["retry_at"]?.string.flatMap(WireTimestamp.date(from:)))

                    await emulators[0].controls.setFaults(FaultSettings())
                    let probe = try await hub.queue(#"{"prompt":"probe","steps":2,"width":64,"height":64}"#)
                    let complete = try await socket.next("generation_complete", job: probe)
                    #expect(complete["data"]?["status"]?.string == "completed")
                    // Not claimed while the circuit was open.
                    #expect(try await startedAt(hub, probe) >= retryAt)
                    let closed = try await backend(hub)
                    #expect(closed["circuit"]?.string == "closed")
                    #expect(closed["consecutive_failures"]?.int == 0 && closed["retry_at"]?.isNull == true)
                }
            }
        }
    }

    @Test func aBackendBusyWithSomeoneElsesJobGetsNoJobUntilItIsIdle() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    try await waitUntil("the backend's first health check") { try await backend(hub)["healthy"] == .bool(true) }
                    // Someone uses SD.Next directly: a txt2img Easel did not send.
                    let direct = SDNextClient(configuration: SDNextConfiguration(baseURL: emulators[0].baseURL))
                    let foreign = Task {
                        // Long enough to outlast any machine's delays; interrupted once Easel's hold is seen.
                        try await direct.txt2img(Txt2ImgRequest(GenerationFields(prompt: "mine", steps: 10_000), width: 64, height: 64))
                    }
                    try await waitUntil("the foreign job to sample") { try await direct.progress().isSampling }
                    let job = try await hub.queue(#"{"prompt":"waits","steps":2,"width":64,"height":64}"#)
                    // Checked before each claim: the job's arrival makes the backend look.
                    try await waitUntil("busy_elsewhere") { try await backend(hub)["busy_elsewhere"] == .bool(true) }
                    #expect(try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]?["status"]?.string == "queued")
                    try await direct.interrupt()
                    _ = try await foreign.value
                    let complete = try await socket.next("generation_complete", job: job)
                    #expect(complete["data"]?["status"]?.string == "completed")
                    #expect(try await backend(hub)["busy_elsewhere"] == .bool(false))
                    // The job was claimed only after the foreign generation had ended on the server.
                    let history = try await emulatorHistory(emulators[0])
                    let foreignEnd = try #require(history.first { $0["job"]?.string == "api-txt" && $0["op"]?.string == "end" }?["timestamp"]?.double)
                    // Wire timestamps carry milliseconds.
                    #expect(try await startedAt(hub, job).timeIntervalSince1970 >= foreignEnd - 0.001)
                }
            }
        }
    }
}
