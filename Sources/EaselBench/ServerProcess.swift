import EaselBenchKit
import Foundation

/// The Easel server under test, as a child process running the release binary, so its `/proc` figures are the
/// hub's own work and not the load generator's. Use it through `withServerProcess`, which always stops it.
struct ServerProcess: Sendable {
    let pid: Int32
    let port: Int
    let logPath: String

    func sample() -> ProcessSample? { ProcessSample.read(pid: pid) }
}

/// Why the server child could not be started, or could no longer be sampled.
struct ServerProcessError: Error, CustomStringConvertible {
    let description: String
}

/// Starts `binary serve` with `arguments` (plus `--port 0` and a fresh data folder), waits until it logs the
/// port it listens on, runs `body`, then stops it: SIGTERM, and SIGKILL if it has not exited after 10 s.
func withServerProcess<Result: Sendable>(
    binary: String, arguments: [String], _ body: (ServerProcess) async throws -> Result
) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-bench-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let logPath = folder + "/server.log"
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    defer { try? log.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--log-level", "notice", "--data-dir", folder] + arguments
    process.standardOutput = log
    process.standardError = log
    try process.run()
    ChildProcesses.shared.add(process.processIdentifier)
    defer {
        stop(process)
        ChildProcesses.shared.remove(process.processIdentifier)
    }
    let port = try await listeningPort(in: logPath, of: process)
    return try await body(ServerProcess(pid: process.processIdentifier, port: port, logPath: logPath))
}

/// Waits up to 60 s for the "Easel is listening" line and reads the port from its `url=`.
private func listeningPort(in logPath: String, of process: Process) async throws -> Int {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        if let line = text.split(separator: "\n").first(where: { $0.contains("Easel is listening") }),
           let range = line.range(of: "url=http://127.0.0.1:") {
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let port = Int(digits) { return port }
        }
        guard process.isRunning else { throw ServerProcessError(description: "the server exited at start:\n\(text)") }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ServerProcessError(description: "the server did not report its port within 60 s (log: \(logPath))")
}

private func stop(_ process: Process) {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
}
