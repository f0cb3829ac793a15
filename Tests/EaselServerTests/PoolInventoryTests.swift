import DynamicJSON
import EaselTesting
import Foundation
import Logging
import SDNext
import SDNextEmulator
import Testing

/// The pool inventory over a heterogeneous pool: each checkpoint and LoRA once, with the backends that have it and
/// where each checkpoint is loaded; refreshed on demand after a backend's model changes.
@Suite(.timeLimit(.minutes(1))) struct PoolInventoryTests {
    @Test func modelsListWhatEachBackendHasAndWhereItIsLoaded() async throws {
        var first = EmulatorConfiguration.testing()
        first.models = ["alpha-xl", "beta"]
        first.loras = ["fox"]
        var second = EmulatorConfiguration.testing()
        second.models = ["beta", "gamma"]
        second.loras = ["owl", "fox"]
        second.modelLoadDuration = .milliseconds(20)
        try await withSDNextEmulators(configurations: [first, second], logger: Logger(label: "test-emulator")) { emulators in
            let (a, b) = (emulators[0].baseURL, emulators[1].baseURL)
            try await withHub(backends: [a, b]) { hub in
                func models() async throws -> JSONValue { try await hub.request(.GET, "/api/v1/generation/models").body }
                try await waitUntil("both inventories read") {
                    try await models()["checkpoints"]?.array?.count == 3
                }
                let inventory = try await models()
                let checkpoints = try #require(inventory["checkpoints"]?.array)
                func entry(_ name: String) -> JSONValue? { checkpoints.first { $0["name"]?.string == name } }
                #expect(entry("alpha-xl")?["backends"] == .array([.string(a)]))
                #expect(entry("beta")?["backends"] == .array([.string(a), .string(b)]))
                #expect(entry("alpha-xl")?["loaded_on"] == .array([.string(a)]))
                #expect(entry("beta")?["loaded_on"] == .array([.string(b)]))
                #expect(entry("gamma")?["title"]?.string?.hasPrefix("gamma [") == true)
                let loras = try #require(inventory["loras"]?.array)
                #expect(loras.first { $0["name"]?.string == "fox" }?["backends"] == .array([.string(a), .string(b)]))
                #expect(loras.first { $0["name"]?.string == "owl" }?["backends"] == .array([.string(b)]))

                // Someone switches the second backend's model behind Easel's back; a refresh sees it.
                let gamma = try #require(entry("gamma")?["title"]?.string)
                let direct = SDNextClient(configuration: SDNextConfiguration(baseURL: b))
                #expect(try await direct.setOptions(["sd_model_checkpoint": .string(gamma)]) == ["sd_model_checkpoint": true])
                let (status, refreshed) = try await hub.request(.POST, "/api/v1/generation/backends/refresh")
                #expect(status == 200 && refreshed["failed"] == .array([]))
                let after = try #require(try await models()["checkpoints"]?.array)
                #expect(after.first { $0["name"]?.string == "gamma" }?["loaded_on"] == .array([.string(b)]))
                #expect(after.first { $0["name"]?.string == "beta" }?["loaded_on"] == .array([]))

                let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
                let second = try #require(backends["backends"]?.array?.first { $0["url"]?.string == b })
                #expect(second["loaded_model"]?.string == gamma)
                #expect(second["checkpoints"]?.int == 2 && second["loras"]?.int == 2)
                #expect(second["inventory_read_at"]?.string != nil)
            }
        }
    }
}
