import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// `examples/websocket_client_example.py`, run with python3 against a real hub: the `easel serve --emulator`
/// binary, and an in-process hub that is restarted under it.
@Suite(.timeLimit(.minutes(2)), .enabled(if: ClientTools.pythonTestsEnabled))
struct PythonExampleTests {
    private let script = ClientTools.packageRoot.appendingPathComponent("examples/websocket_client_example.py").path

    private func requireTools() throws {
        try #require(ClientTools.hasPythonWebsockets, "python3 with websockets is needed: pip install websockets")
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-python-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func theExampleSavesTheImageFromEaselServe() async throws {
        try requireTools()
        let binary = try #require(ClientTools.easelBinary, "build the easel binary first: swift build --product easel")
        let folder = try temporaryFolder()
        let serve = ["serve", "--port", "0", "--emulator", "1", "--emulator-step-ms", "20", "--data-dir", folder.path]
        try await withChildProcess(binary, serve) { server in
            try await server.waitFor("Easel is listening", inErrors: true)
            let url = try #require(server.errors.firstMatch(of: /url=(http:\/\/127\.0\.0\.1:\d+)/)?.1).description
            let image = folder.appendingPathComponent("fox.jpg").path
            let run = try await runProgram(ClientTools.env, [
                "python3", script, "a red fox", "--server", url, "--steps", "10", "--width", "64", "--height", "64",
                "--output", image,
            ])
            #expect(run.status == 0, "\(run.errors)")
            let lines = run.output.split(separator: "\n")
            #expect(lines.first?.hasPrefix("queued job ") == true)
            #expect(lines.contains { $0.hasPrefix("[100%] completed") })
            #expect(lines.last == "saved \(image)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: image))
            #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])

            let inline = folder.appendingPathComponent("inline.jpg").path
            let base64 = try await runProgram(ClientTools.env, [
                "python3", script, "a cat", "--server", url, "--steps", "4", "--width", "64", "--height", "64",
                "--return-format", "base64", "--output", inline,
            ])
            #expect(base64.status == 0, "\(base64.errors)")
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: inline)).prefix(3)) == [0xFF, 0xD8, 0xFF])

            let rejected = try await runProgram(ClientTools.env, ["python3", script, "a fox", "--server", url, "--steps", "500"])
            #expect(rejected.status == 3)
            #expect(rejected.errors == "error: invalid parameters: steps: must be between 1 and 150\n")
        }
    }

    @Test func aFailedJobExitsNonZeroWithTheError() async throws {
        try requireTools()
        try await withEmulators(count: 1) { emulators in
            var faults = FaultSettings()
            faults.serverError = true
            await emulators[0].controls.setFaults(faults)
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let run = try await runProgram(ClientTools.env, [
                    "python3", script, "a doomed fox", "--server", hub.baseURL, "--steps", "4", "--width", "64", "--height", "64",
                ])
                #expect(run.status == 1)
                #expect(run.errors.hasPrefix("error: job "))
                #expect(run.errors.contains(" failed: "))
                #expect(run.errors.contains("CUDA out of memory"))
            }
        }
    }

    @Test func theExampleReconnectsWhenTheServerRestarts() async throws {
        try requireTools()
        let folder = try temporaryFolder()
        var hanging = FaultSettings()
        hanging.hang = true
        try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(hanging)
            let backends = emulators.map(\.baseURL)
            try await withBackgroundHub(backends: backends, dataDirectory: folder) { hub, stop in
                let image = folder.appendingPathComponent("boat.jpg").path
                try await withChildProcess(ClientTools.env, [
                    "python3", script, "a boat", "--server", hub.baseURL, "--steps", "10", "--width", "64", "--height", "64",
                    "--output", image,
                ]) { example in
                    try await example.waitFor("processing")
                    try await stop()
                    try await example.waitFor("connection lost", inErrors: true)
                    await emulators[0].controls.setFaults(FaultSettings())
                    try await withHub(backends: backends, dataDirectory: folder, configure: { $0.port = hub.port }) { _ in
                        let status = try await example.exitStatus()
                        #expect(status == 0, "\(example.errors)")
                    }
                    let lines = example.output.split(separator: "\n")
                    #expect(lines.contains { $0.hasPrefix("[") && $0.contains("] processing step ") && $0.contains("/10") && $0.contains("ETA") })
                    #expect(example.output.contains("reconnected; resubscribed to job"))
                    #expect(example.output.contains("[100%] completed"))
                    #expect(example.output.hasSuffix("saved \(image)\n"))
                }
            }
        }
    }
}
