import DynamicJSON
import EaselServer
import EaselTesting
import Foundation
import Logging
import SDNextEmulator
import Testing

/// Easel with its gateway over two emulators whose catalogues overlap (alpha-xl and beta, beta and gamma), so
/// the gateway's listings must merge them and choosing gamma or alpha-xl must route to the one backend that has
/// it. Steps take 40 ms: a long job (150 steps, Easel's limit) samples for seconds, so progress and interrupt
/// are seen, and the short jobs the clients send (4 steps) stay fast.
struct GatewayPool {
    let hub: TestHub
    /// Every checkpoint's title (`name [hash]`), once each.
    let titles: [String]

    var url: String { hub.baseURL }

    static func run<Result: Sendable>(
        configure: (inout EaselConfiguration) -> Void = { _ in }, _ body: (GatewayPool) async throws -> Result
    ) async throws -> Result {
        var first = EmulatorConfiguration.testing(stepDuration: .milliseconds(40))
        first.models = ["alpha-xl", "beta"]
        first.loras = ["fox"]
        var second = EmulatorConfiguration.testing(stepDuration: .milliseconds(40))
        second.models = ["beta", "gamma"]
        second.loras = ["owl", "fox"]
        var logger = Logger(label: "test-emulator")
        logger.logLevel = .warning
        return try await withSDNextEmulators(configurations: [first, second], logger: logger) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: configure) { hub in
                func checkpoints() async throws -> [JSONValue] {
                    try await hub.request(.GET, "/api/v1/generation/models").body["checkpoints"]?.array ?? []
                }
                try await waitUntil("both inventories read") { try await checkpoints().count == 3 }
                let titles = try await checkpoints().compactMap { $0["title"]?.string }
                return try await body(GatewayPool(hub: hub, titles: titles))
            }
        }
    }

    /// An image the gateway generated (a JPEG with its infotext in EXIF), saved to a file, for the scripts that
    /// read their init, mask, control or png-info image from one.
    func sampleImage(in folder: URL) async throws -> URL {
        let body = #"{"prompt":"a red fox","steps":4,"width":64,"height":64,"seed":7}"#
        let (status, answer) = try await hub.request(.POST, "/sdapi/v1/txt2img", json: body)
        guard status == 200, let text = answer["images"]?[0]?.string, let data = Data(base64Encoded: text) else {
            throw TestFailure("txt2img through the gateway answered \(status): \(answer)")
        }
        let file = folder.appendingPathComponent("sample.jpg")
        try data.write(to: file)
        return file
    }

    /// The title of the checkpoint called `name`.
    func title(of name: String) throws -> String {
        guard let title = titles.first(where: { $0.hasPrefix(name + " [") }) else {
            throw TestFailure("no \(name) among \(titles)")
        }
        return title
    }
}

/// Where the Python clients live: Tests/Compat, and SD.Next's scripts as scripts/fetch-sdnext-cli.sh puts them.
enum CompatFiles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func script(_ name: String) -> String {
        repository.appendingPathComponent("Tests/Compat/\(name)").path
    }

    static let sdnextCLI = repository.appendingPathComponent(".build/sdnext-cli/cli")

    static var sdnextCLIFetched: Bool {
        FileManager.default.fileExists(atPath: sdnextCLI.appendingPathComponent("api-txt2img.py").path)
    }
}
