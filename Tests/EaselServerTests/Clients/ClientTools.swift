import EaselTesting
import Foundation

/// Where the client tests find what they run, and whether the optional tools are installed. Tests that need
/// python3 packages or Chromium are skipped when the tools are missing, unless `EASEL_REQUIRE_CLIENT_TOOLS=1`
/// (set by CI), in which case they run and fail with the install hint.
enum ClientTools {
    /// The package's root folder, found from this file's place in `Tests/EaselServerTests/Clients`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var required: Bool { ExternalTools.required }

    static let env = ExternalTools.env

    /// The `easel` executable built beside the test bundle (`swift build` and `swift test` both build it), or
    /// `EASEL_BINARY` when set.
    static var easelBinary: URL? {
        if let path = ProcessInfo.processInfo.environment["EASEL_BINARY"] { return URL(fileURLWithPath: path) }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("easel"),
            packageRoot.appendingPathComponent(".build/debug/easel"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// python3 with the `websockets` package (`pip install websockets`).
    static let hasPythonWebsockets = ExternalTools.pythonCan("import websockets")

    /// python3 with selenium, plus Chromium and its driver (`apt-get install chromium chromium-driver`,
    /// `pip install selenium`).
    static let hasBrowser =
        ExternalTools.pythonCan("import selenium") && ExternalTools.onPath("chromium") && ExternalTools.onPath("chromedriver")

    static var pythonTestsEnabled: Bool { required || hasPythonWebsockets }
    static var browserTestsEnabled: Bool { required || hasBrowser }
}
