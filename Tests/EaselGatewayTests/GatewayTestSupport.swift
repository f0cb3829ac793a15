import DynamicJSON
import EaselTesting
import Foundation
import Logging
import SDNext
import SDNextEmulator
import Testing

/// Emulators with catalogues of their own, so a pool's union differs from each backend's listing.
func emulatorConfiguration(models: [String], loras: [String]) -> EmulatorConfiguration {
    var configuration = EmulatorConfiguration.testing()
    configuration.models = models
    configuration.loras = loras
    return configuration
}

/// Starts emulators with these catalogues and a hub over them (plus `extraBackends`, e.g. a dead address), waits
/// until every emulator passed a health check, then runs `body`.
func withPool(
    _ catalogues: [(models: [String], loras: [String])], extraBackends: [String] = [], maxRequestBytes: Int? = nil,
    _ body: ([RunningEmulator], TestHub) async throws -> Void
) async throws {
    let configurations = catalogues.map { emulatorConfiguration(models: $0.models, loras: $0.loras) }
    try await withSDNextEmulators(configurations: configurations, logger: Logger(label: "test-emulator")) { emulators in
        let urls = emulators.map(\.baseURL)
        try await withHub(backends: urls + extraBackends, configure: { configuration in
            if let maxRequestBytes { configuration.limits.maxRequestBytes = maxRequestBytes }
        }) { hub in
            try await waitUntil("every emulator healthy") {
                let backends = try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array ?? []
                return urls.allSatisfy { url in backends.contains { $0["url"]?.string == url && $0["healthy"] == .bool(true) } }
            }
            try await body(emulators, hub)
        }
    }
}

/// An emulator's own answer, to compare the pool's with.
func direct(_ emulator: RunningEmulator, _ path: String) async throws -> JSONValue {
    try await SDNextClient(configuration: SDNextConfiguration(baseURL: emulator.baseURL)).getJSON(path)
}

/// An address where nothing listens: a backend that is down.
let deadBackend = "http://127.0.0.1:9"
