import Foundation

/// Whether the programs client tests run (python3 and its packages, a browser) are installed. A test that needs
/// a missing one is skipped, unless `EASEL_REQUIRE_CLIENT_TOOLS=1` (set by CI) says it must run, and then it
/// fails with its install hint instead.
public enum ExternalTools {
    public static var required: Bool { ProcessInfo.processInfo.environment["EASEL_REQUIRE_CLIENT_TOOLS"] == "1" }

    /// `/usr/bin/env`, which finds python3 on PATH (the same python3 a person would run).
    public static let env = URL(fileURLWithPath: "/usr/bin/env")

    /// Whether `python3 -c statement` succeeds, e.g. `import webuiapi`.
    public static func pythonCan(_ statement: String) -> Bool {
        let process = Process()
        process.executableURL = env
        process.arguments = ["python3", "-c", statement]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? ChildProcess.launch(process)) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Whether an executable called `name` is on PATH.
    public static func onPath(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }
}
