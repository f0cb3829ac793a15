import DynamicJSON
import EaselCore
import EaselServer
import EaselSQLite
import EaselTesting
import Foundation
import Logging
import NIOHTTP1
import SDNextEmulator
import Testing

/// Model-aware dispatch over real sockets on a heterogeneous pool: each emulator has its own checkpoints, loaded
/// model and LoRAs, and a job only ever runs where its model and LoRAs are.
@Suite(.timeLimit(.minutes(3))) struct ModelDispatchTests {
    /// A: alpha (loaded), delta; LoRA fox. B: beta (loaded), gamma; LoRA owl. C: gamma (loaded), alpha; fox, owl.
    static let catalogues: [(models: [String], loras: [String])] = [
        (["alpha", "delta"], ["fox"]), (["beta", "gamma"], ["owl"]), (["gamma", "alpha"], ["fox", "owl"]),
    ]

    func withPool(
        _ catalogues: [(models: [String], loras: [String])] = catalogues, configure: @escaping @Sendable (inout EaselConfiguration) -> Void = { _ in },
        _ body: ([RunningEmulator], TestHub) async throws -> Void
    ) async throws {
        let configurations = catalogues.map { catalogue in
            var configuration = EmulatorConfiguration.testing()
            configuration.models = catalogue.models
            configuration.loras = catalogue.loras
            // Long enough that the job monitor's 40 ms polls see the load however loaded the machine is.
            configuration.modelLoadDuration = .milliseconds(600)
            return configuration
        }
        try await withSDNextEmulators(configurations: configurations, logger: Logger(label: "test-emulator")) { emulators in
            let urls = emulators.map(\.baseURL)
            try await withHub(backends: urls, configure: configure) { hub in
                try await waitUntil("every backend healthy, its inventory read") {
                    let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
                    return backends["backends"]?.array?.allSatisfy {
                        $0["loaded_model"]?.string != nil && $0["healthy"] == .bool(true)
                    } == true
                }
                try await body(emulators, hub)
            }
        }
    }

    func delivery(_ hub: TestHub, _ id: String) async throws -> JSONValue {
        try #require(try await hub.request(.GET, "/api/v1/generation/jobs/\(id)").body["delivery"])
    }

    func waitForCompletion(_ hub: TestHub, _ ids: [String], within seconds: Double = 30) async throws -> [JSONValue] {
        try await waitUntil("\(ids.count) jobs completed", within: seconds) {
            for id in ids where try await delivery(hub, id)["status"]?.string != "completed" { return false }
            return true
        }
        var deliveries: [JSONValue] = []
        for id in ids { deliveries.append(try await delivery(hub, id)) }
        return deliveries
    }

    @Test func aJobGoesWhereItsModelIsLoadedAndLoadsItWhereNoneHasIt() async throws {
        try await withPool { emulators, hub in
            let urls = emulators.map(\.baseURL)
            let gamma = try await hub.queue(#"{"prompt":"on gamma","steps":3,"width":64,"height":64,"model":"GAMMA"}"#)
            let done = try await waitForCompletion(hub, [gamma])[0]
            #expect(done["backend_url"]?.string == urls[2], "gamma is loaded on C; B would have to switch")
            #expect(done["model"]?.string?.hasPrefix("gamma [") == true)

            try await withSocket(hub) { socket in
                let delta = try await hub.queue(#"{"prompt":"on delta","steps":3,"width":64,"height":64,"model":"delta"}"#)
                try await socket.send(#"{"type":"subscribe","job_ids":["\#(delta)"]}"#)
                let events = try await socket.lifecycle(of: delta)
                let statuses = events.filter { $0["type"]?.string == "progress_update" }.compactMap { $0["data"]?["status"]?.string }
                #expect(statuses.contains("loading_model"), "\(statuses)")
                #expect(events.last?["data"]?["status"]?.string == "completed")
                #expect(try await delivery(hub, delta)["backend_url"]?.string == urls[0], "only A has delta")
            }
            let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
            let first = backends["backends"]?.array?.first { $0["url"]?.string == urls[0] }
            #expect(first?["loaded_model"]?.string?.hasPrefix("delta [") == true, "the switch is in A's inventory")
        }
    }

    @Test func noJobIsSentToABackendLackingItsModelOrLoRA() async throws {
        try await withPool { emulators, hub in
            let urls = emulators.map(\.baseURL)
            let mixes: [(model: String?, loras: [String])] = [
                ("alpha", []), ("delta", []), ("beta", ["owl"]), ("gamma", ["fox"]), (nil, ["owl"]),
                ("gamma", []), ("alpha", ["fox"]), (nil, []), ("beta", []), (nil, ["fox", "owl"]),
            ]
            var submitted: [(id: String, model: String?, loras: [String])] = []
            for index in 0..<20 {
                let mix = mixes[index % mixes.count]
                let tags = mix.loras.map { " <lora:\($0):0.7>" }.joined()
                let model = mix.model.map { #","model":"\#($0)""# } ?? ""
                let id = try await hub.queue(#"{"prompt":"job \#(index)\#(tags)","steps":2,"width":64,"height":64\#(model)}"#)
                submitted.append((id, mix.model, mix.loras))
            }
            let deliveries = try await waitForCompletion(hub, submitted.map(\.id), within: 60)
            var used: Set<String> = []
            for (job, done) in zip(submitted, deliveries) {
                let url = try #require(done["backend_url"]?.string)
                let catalogue = Self.catalogues[try #require(urls.firstIndex(of: url))]
                used.insert(url)
                if let model = job.model { #expect(catalogue.models.contains(model), "\(job.id) needs \(model), ran on \(url)") }
                for lora in job.loras { #expect(catalogue.loras.contains(lora), "\(job.id) needs \(lora), ran on \(url)") }
            }
            #expect(used.count == 3, "every backend served a share")
        }
    }

    @Test func aModelOrLoRANoBackendHasIsRefusedNamingIt() async throws {
        try await withPool { _, hub in
            let (status, body) = try await hub.request(
                .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","model":"zeta"}"#)
            #expect(status == 422 && body["detail"]?[0]?["loc"]?[1]?.string == "model", "\(body)")
            #expect(body["detail"]?[0]?["msg"]?.string?.contains("zeta") == true, "\(body)")
            let (loraStatus, loraBody) = try await hub.request(
                .POST, "/api/v1/generation/generate", json: #"{"prompt":"x <lora:heron:1>"}"#)
            #expect(loraStatus == 422 && loraBody["detail"]?[0]?["loc"]?[1]?.string == "prompt", "\(loraBody)")
            let (wrongType, typeBody) = try await hub.request(
                .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","model":7}"#)
            #expect(wrongType == 422 && typeBody["detail"]?[0]?["loc"]?[1]?.string == "model", "\(typeBody)")
        }
    }

    /// One backend with alpha loaded; a beta job waits behind a stream of alpha jobs only until its patience runs out.
    /// The first job hangs until every other job is queued (and, for the short patience, until beta's has run out),
    /// so the order does not depend on the machine's speed.
    @Test(arguments: [true, false]) func aSwitchJobWaitsAtMostItsPatience(shortPatience: Bool) async throws {
        let patience = shortPatience ? 2 : 3600
        try await withPool([(["alpha", "beta"], [])], configure: { configuration in
            configuration.worker.dispatch.patience = .seconds(patience)
        }) { emulators, hub in
            var hang = FaultSettings()
            hang.hang = true
            await emulators[0].controls.setFaults(hang)
            let busy = try await hub.queue(#"{"prompt":"first","steps":3,"width":64,"height":64,"model":"alpha"}"#)
            try await waitUntil("the first job runs") { try await delivery(hub, busy)["status"]?.string == "processing" }
            let beta = try await hub.queue(#"{"prompt":"beta","steps":2,"width":64,"height":64,"model":"beta"}"#)
            let betaQueuedAt = Date()
            var alphas: [String] = []
            for index in 0..<12 {
                alphas.append(try await hub.queue(#"{"prompt":"alpha \#(index)","steps":3,"width":64,"height":64,"model":"alpha"}"#))
            }
            if shortPatience {
                try await waitUntil("beta's patience ran out", within: 10) {
                    Date().timeIntervalSince(betaQueuedAt) > Double(patience) + 0.2
                }
            }
            await emulators[0].controls.setFaults(FaultSettings())
            let deliveries = try await waitForCompletion(hub, [beta] + alphas, within: 60)
            let starts = deliveries.map { $0["started_at"]?.string ?? "" }
            let alphasBefore = starts.dropFirst().filter { $0 < starts[0] }.count
            if shortPatience {
                #expect(alphasBefore == 0, "beta waited out its patience while the first job ran: it goes next")
            } else {
                #expect(alphasBefore == alphas.count, "without patience running out, beta goes last")
            }
        }
    }

    /// `sd_model_checkpoint` (or `override_settings.sd_model_checkpoint`) without `model` routes the job as `model`.
    @Test func aCheckpointNamedInTheBodyRoutesTheJob() async throws {
        try await withPool { emulators, hub in
            let urls = emulators.map(\.baseURL)
            let direct = try await hub.queue(#"{"prompt":"x","steps":2,"width":64,"height":64,"sd_model_checkpoint":"delta"}"#)
            let overridden = try await hub.queue(
                #"{"prompt":"x","steps":2,"width":64,"height":64,"override_settings":{"sd_model_checkpoint":"gamma"}}"#)
            let done = try await waitForCompletion(hub, [direct, overridden])
            #expect(done[0]["backend_url"]?.string == urls[0], "only A has delta")
            #expect(done[1]["backend_url"]?.string == urls[2], "gamma is loaded on C")
            let (status, body) = try await hub.request(
                .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","sd_model_checkpoint":"zeta"}"#)
            #expect(status == 422 && body["detail"]?[0]?["msg"]?.string?.contains("zeta") == true, "\(body)")
        }
    }

    /// A job accepted while an inventory was unknown, for a model no backend has, ends `model_unavailable` once every
    /// inventory is known, without ever starting; a job a backend can run stays.
    @Test func aQueuedJobNoBackendCanRunEndsOnceEveryInventoryIsKnown() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-unrunnable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("easel.sqlite").path)
        let parameters = GenerationParameters(prompt: "x", steps: 2, width: 64, height: 64)
        let orphan = Job(parameters: parameters, requirements: JobRequirements(model: "zeta"))
        try await store.insert(orphan)
        try await withSDNextEmulators(configurations: [.testing()], logger: Logger(label: "test-emulator")) { emulators in
            // A second backend nobody listens on: its inventory stays unknown, so the job may still find a home.
            let unknown = "http://127.0.0.1:1"
            try await withHub(backends: [emulators[0].baseURL, unknown], dataDirectory: folder) { hub in
                let (_, refreshed) = try await hub.request(.POST, "/api/v1/generation/backends/refresh")
                #expect(refreshed["failed"]?.array?.compactMap(\.string) == [unknown])
                #expect(try await delivery(hub, orphan.id.rawValue)["status"]?.string == "queued")
                let (status, _) = try await hub.request(
                    .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","model":"omega"}"#)
                #expect(status == 200, "accepted while an inventory is unknown")
            }
            try await withHub(backends: [emulators[0].baseURL], dataDirectory: folder) { hub in
                try await waitUntil("the job no backend can run ended") {
                    try await delivery(hub, orphan.id.rawValue)["status"]?.string == "failed"
                }
                let ended = try await delivery(hub, orphan.id.rawValue)
                #expect(ended["error_code"]?.string == "model_unavailable" && ended["started_at"]?.string == nil, "\(ended)")
            }
        }
    }

    /// A job stored with the model as the client typed it (accepted before any inventory was read) is sent, and its
    /// switch recorded, under the checkpoint's title.
    @Test func aModelQueryIsSentAndRecordedAsTheCheckpointsTitle() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-raw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteJobStore(path: folder.appendingPathComponent("easel.sqlite").path)
        let raw = Job(
            parameters: GenerationParameters(prompt: "x", steps: 2, width: 64, height: 64), requirements: JobRequirements(model: "BETA"))
        try await store.insert(raw)
        var configuration = EmulatorConfiguration.testing()
        configuration.models = ["alpha", "beta"]
        try await withSDNextEmulators(configurations: [configuration], logger: Logger(label: "test-emulator")) { emulators in
            try await withHub(backends: [emulators[0].baseURL], dataDirectory: folder) { hub in
                _ = try await waitForCompletion(hub, [raw.id.rawValue])
                let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
                let loaded = backends["backends"]?[0]?["loaded_model"]?.string
                #expect(loaded?.hasPrefix("beta [") == true, "\(loaded ?? "nil")")
            }
        }
    }

    /// The inventory said A has alpha, but A was restarted without it: SD.Next aborts the run (200, no images), A's
    /// inventory is read again, and the job goes back to the queue, its attempt not counted, for B, which has alpha.
    @Test func aJobWhoseModelLeftItsBackendIsRequeuedForOneThatHasIt() async throws {
        func configuration(_ models: [String], port: Int = 0) -> EmulatorConfiguration {
            var configuration = EmulatorConfiguration.testing()
            configuration.models = models
            configuration.port = port
            return configuration
        }
        let logger = Logger(label: "test-emulator")
        try await withSDNextEmulators(configurations: [configuration(["alpha", "beta"])], logger: logger) { others in
            let b = others[0]
            let port = try await withSDNextEmulator(configuration: configuration(["alpha"]), logger: logger) { $0.port }
            let urlA = "http://127.0.0.1:\(port)"
            try await withHub(backends: [urlA, b.baseURL], configure: { $0.inventoryInterval = .seconds(3600) }) { hub in
                func loadedModel(_ url: String) async throws -> String? {
                    let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
                    return backends["backends"]?.array?.first { $0["url"]?.string == url }?["loaded_model"]?.string
                }
                var hang = FaultSettings()
                hang.hang = true
                try await withSDNextEmulator(configuration: configuration(["alpha"], port: port), logger: logger) { _ in
                    try await waitUntil("both inventories read") {
                        let (a, other) = (try await loadedModel(urlA), try await loadedModel(b.baseURL))
                        return a != nil && other != nil
                    }
                    await b.controls.setFaults(hang)
                    let beta = try await hub.queue(#"{"prompt":"beta","steps":3,"width":64,"height":64,"model":"beta"}"#)
                    try await waitUntil("B runs the beta job") { try await delivery(hub, beta)["status"]?.string == "processing" }
                }
                try await withSDNextEmulator(configuration: configuration(["gamma"], port: port), logger: logger) { _ in
                    let alpha = try await hub.queue(#"{"prompt":"alpha","steps":2,"width":64,"height":64,"model":"alpha"}"#)
                    try await waitUntil("A's inventory was read again") { try await loadedModel(urlA)?.hasPrefix("gamma [") == true }
                    await b.controls.setFaults(FaultSettings())
                    let done = try await waitForCompletion(hub, [alpha])[0]
                    #expect(done["backend_url"]?.string == b.baseURL && done["attempts"]?.int == 1, "\(done)")
                }
            }
        }
    }
}
