import EaselTesting
import Foundation
import SDNextEmulator
import Testing

@testable import SDNextEmulator

/// The per-flavor progress rules, replayed on `StageState` in the generation worker's call order, and the
/// response differences over HTTP.
@Suite struct FlavorTests {
    /// One txt2img request of `iterations` × `steps` as the worker reports it, with a reading after every call.
    private func replay(_ flavor: Flavor, iterations: Int = 1, steps: Int = 4) -> [(job: String, progress: Double)] {
        var state = StageState(flavor: flavor)
        var readings: [(String, Double)] = []
        var time = 100.0
        func read() {
            time += 1
            readings.append((state.job, state.progressReading(now: time).progress))
        }
        state.announce(iterations: iterations, hires: false)
        state.begin("API-TXT", id: "a", timestamp: "t", now: time, api: true); read()
        state.begin("Process", id: "p", timestamp: "t", now: time); read()
        for _ in 0..<iterations {
            state.begin("Base", id: "b", timestamp: "t", now: time); read()
            state.begin("TE Encode", id: "e", timestamp: "t", now: time); state.end(now: time); read()
            state.update(steps: steps); read()
            state.begin("Inference", id: "i", timestamp: "t", now: time)
            for step in 1...steps { state.step(step, of: steps); read() }
            state.end(now: time); state.end(now: time); state.nextJob(); read()
            state.begin("VAE Decode", id: "v", timestamp: "t", now: time); state.end(now: time); read()
        }
        state.end(now: time); read()
        state.end(now: time); read()
        return readings
    }

    private func isMonotonicWhileBusy(_ readings: [(job: String, progress: Double)]) -> Bool {
        let busy = readings.dropLast().map(\.progress)
        return zip(busy, busy.dropFirst()).allSatisfy { $0 <= $1 }
    }

    @Test func legacySDNextCountsTheWholeRequest() {
        let readings = replay(.sdnextLegacy, iterations: 2, steps: 4)
        #expect(readings.first?.job == "API TXT")
        #expect(readings.contains { $0.job == "Text" })
        // As 2025-08-20's formula gives: steps 1-4 of job 0 of 2 reach 0.5, nextjob makes it 1.0, and the
        // second update (3 jobs, 8 steps) drops it to (8·1+4)/(8·3) = 0.5 before it climbs again.
        let progress = readings.map(\.progress)
        #expect(Array(progress[4...9]) == [0, 0.12, 0.25, 0.38, 0.5, 1.0])
        #expect(Array(progress[13...18]) == [0.5, 0.54, 0.58, 0.62, 0.67, 1.0])
        #expect(readings.last?.progress == 0)
        #expect(readings.last?.job == "")
    }

    @Test func a1111UsesItsFormulaAndBatchNames() {
        let readings = replay(.a1111, iterations: 2, steps: 4)
        #expect(readings.first?.job == "scripts_txt2img")
        #expect(abs((readings.first?.progress ?? 0) - 0.01) < 1e-9)
        #expect(readings.contains { $0.job == "Batch 1 out of 2" })
        #expect(readings.contains { $0.job == "Batch 2 out of 2" })
        #expect(isMonotonicWhileBusy(readings))
        // 0.01 + 1/2 + 1/2 · 3/4 after the second batch's last step, capped at 1 after its nextjob.
        #expect(readings.contains { abs($0.progress - 0.885) < 1e-9 })
        #expect(readings.last?.progress == 0)
    }

    @Test func currentSDNextStillResetsPerStage() {
        let readings = replay(.sdnext, iterations: 2, steps: 4)
        #expect(!isMonotonicWhileBusy(readings))
        #expect(readings.contains { $0.job == "Inference" })
    }

    @Test func a1111ResponsesDiffer() async throws {
        let configuration = EmulatorConfiguration(
            port: 0, credentials: EmulatorCredentials(username: "u", password: "p"), stepDuration: .milliseconds(10),
            stageGap: .milliseconds(2), rateLimitPerMinute: nil, flavor: .a1111)
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator, authorization: "Basic " + Data("u:p".utf8).base64EncodedString())
            let version = try await client.get("/sdapi/v1/version")
            #expect(version.status == 404)
            let status = try await client.get("/sdapi/v1/status")
            #expect(status.status == 404)
            let interrupt = try await client.post("/sdapi/v1/interrupt")
            #expect(interrupt.status == 200 && interrupt.text == "{}")
            let skip = try await client.post("/sdapi/v1/skip")
            #expect(skip.status == 200 && skip.text == "null")
            let progress = try await client.progress()
            #expect(progress["id"] == nil)
            #expect(progress.keys.contains("current_task"))
            #expect((progress["state"] as? [String: Any])?["stopping_generation"] as? Bool == false)
            let options = try await client.get("/sdapi/v1/options").object()
            #expect(options["samples_format"] as? String == "png")
            #expect(options["server_rate_limit"] == nil)
            let samplers = try await client.get("/sdapi/v1/samplers").array()
            #expect(samplers.allSatisfy { ($0 as? [String: Any])?["aliases"] is [Any] })
            let bad = EmulatorClient(baseURL: emulator.baseURL)
            let denied = try await bad.request(
                .GET, "/sdapi/v1/options", headers: [("Authorization", "Basic " + Data("u:x".utf8).base64EncodedString())])
            let body = try denied.object()
            #expect(denied.status == 401 && body["detail"] as? String == "Incorrect username or password")
            #expect(body["code"] == nil)
            let pending = try await bad.get("/internal/pending-tasks")
            #expect(pending.status == 200)
        }
    }

    @Test func a1111TracksForcedTaskIDs() async throws {
        var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(20))
        configuration.flavor = .a1111
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator)
            let generation = Task {
                try await client.post("/sdapi/v1/txt2img", #"{"steps":40,"width":64,"height":64,"force_task_id":"mine"}"#)
            }
            try await waitUntil("sampling") { (try await client.state()["sampling_step"] as? Int ?? 0) >= 1 }
            let active = try await client.request(.POST, "/internal/progress", body: #"{"id_task":"mine"}"#).object()
            #expect(active["active"] as? Bool == true)
            #expect((active["progress"] as? Double ?? 0) > 0)
            let other = try await client.request(.POST, "/internal/progress", body: #"{"id_task":"other"}"#).object()
            #expect(other["active"] as? Bool == false && other["textinfo"] as? String == "Waiting...")
            let finished = try await generation.value
            #expect(finished.status == 200)
            let done = try await client.request(.POST, "/internal/progress", body: #"{"id_task":"mine"}"#).object()
            #expect(done["completed"] as? Bool == true && done["active"] as? Bool == false)
            let pending = try await client.get("/internal/pending-tasks").object()
            #expect(pending["size"] as? Int == 0)
        }
    }

    @Test func legacySDNextReportsItsReleaseAndNoLimiter() async throws {
        var configuration = EmulatorConfiguration.testing()
        configuration.flavor = .sdnextLegacy
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator)
            let version = try await client.get("/sdapi/v1/version").object()
            #expect(version["updated"] as? String == "2025-08-20")
            let progress = try await client.progress()
            #expect(progress["id"] as? String == "0")
            let interrupt = try await client.post("/sdapi/v1/interrupt")
            #expect(interrupt.text == "{}")
            let options = try await client.get("/sdapi/v1/options").object()
            #expect(options["server_rate_limit"] == nil)
        }
    }

    /// Legacy SD.Next and A1111 have no limiter: `server_rate_limit` is not one of their options, so setting it
    /// answers false, creates nothing and never brings a 429.
    @Test(arguments: [Flavor.sdnextLegacy, .a1111])
    func serversWithoutALimiterIgnoreServerRateLimit(_ flavor: Flavor) async throws {
        var configuration = EmulatorConfiguration.testing(rateLimitPerMinute: 300)
        configuration.flavor = flavor
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator)
            let answer = try await client.post("/sdapi/v1/options", #"{"server_rate_limit":2}"#)
            #expect(answer.text == #"{"updated":[{"server_rate_limit":false}]}"#)
            let options = try await client.get("/sdapi/v1/options").object()
            #expect(options["server_rate_limit"] == nil)
            let statuses = try await (0..<4).asyncMap { _ in try await client.get("/sdapi/v1/memory").status }
            #expect(statuses == [200, 200, 200, 200])
        }
    }

    /// A1111 names only its generation routes' jobs; a model load or a `Process` run outside them keeps its title
    /// instead of showing as another `scripts_txt2img` job.
    @Test func a1111NamesOnlyGenerationJobs() {
        var state = StageState(flavor: .a1111)
        func jobOf(_ title: String) -> String {
            _ = state.begin(title, id: "x", timestamp: "t", now: 1, api: title.hasPrefix("API-"))
            defer { _ = state.end(now: 2) }
            return state.job
        }
        #expect(jobOf("API-TXT") == "scripts_txt2img")
        #expect(jobOf("API-IMG") == "scripts_img2img")
        #expect(jobOf("Load model") == "Load model")
        #expect(jobOf("Process") == "Process")
    }

    @Test func rateLimiterFloorsTheWeightedCountAndFollowsTheOption() async throws {
        func hits(_ limiter: inout RateLimiter, _ count: Int, at now: Double) -> [Bool] {
            (0..<count).map { _ in limiter.hit(client: "c", path: "/p", now: now) }
        }
        var limiter = RateLimiter(limit: 10)
        #expect(hits(&limiter, 10, at: 0).allSatisfy { $0 })
        // 30 s into the next minute the previous 10 weigh 5.0: five more fit, a sixth does not.
        #expect(hits(&limiter, 6, at: 90) == [true, true, true, true, true, false])
        // 10 × 57/60 = 9.5 weighs as 9 (floor), so one more unit fits: 9 + 1 ≤ 10.
        var floored = RateLimiter(limit: 10)
        #expect(hits(&floored, 10, at: 59).allSatisfy { $0 })
        #expect(hits(&floored, 2, at: 63) == [true, false])
        var configuration = EmulatorConfiguration.testing()
        configuration.rateLimitPerMinute = 300
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator)
            let options = try await client.get("/sdapi/v1/options").object()
            #expect(options["server_rate_limit"] as? Int == 300)
            _ = try await client.post("/sdapi/v1/options", #"{"server_rate_limit":2}"#)
            let statuses = try await (0..<3).asyncMap { _ in try await client.get("/sdapi/v1/memory").status }
            #expect(statuses == [200, 200, 429])
        }
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
