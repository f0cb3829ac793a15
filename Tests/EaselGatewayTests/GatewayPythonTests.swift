import EaselTesting
import Foundation
import Testing

/// Python clients written for SD.Next, run against Easel's gateway over a pool of emulators: Easel's own check of
/// the gateway (Tests/Compat/gateway_check.py), SD.Next's cli example scripts unchanged, and webuiapi.
@Suite(.timeLimit(.minutes(5)), .enabled(if: ExternalTools.required || PythonClients.haveRequestsAndPillow))
struct GatewayPythonTests {
    @Test func gatewayCheckPasses() async throws {
        try await GatewayPool.run { pool in
            let arguments = ["python3", CompatFiles.script("gateway_check.py"), pool.url] + pool.titles
            let run = try await runProgram(ExternalTools.env, arguments, within: 240)
            let report = CheckReport(run.output)
            #expect(report.unrecognised.isEmpty, "lines that are no check's: \(report.unrecognised)\nstderr: \(run.errors)")
            #expect(report.finished, "gateway_check.py stopped before its summary\nstdout: \(run.output)\nstderr: \(run.errors)")
            for (name, reason) in report.failed.sorted(by: { $0.key < $1.key }) {
                Issue.record("gateway check failed: \(name): \(reason)")
            }
            #expect(run.status == 0, "exit status \(run.status)\nstdout: \(run.output)\nstderr: \(run.errors)")
        }
    }

    @Test func sdnextScriptsRunUnchanged() async throws {
        try #require(CompatFiles.sdnextCLIFetched, "SD.Next's cli scripts are needed: run scripts/fetch-sdnext-cli.sh")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sdnext-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await GatewayPool.run { pool in
            let image = try await pool.sampleImage(in: folder)
            let scripts = try SDNextScript.picked(
                url: pool.url, image: image, modelName: "gamma",
                modelTitle: try pool.title(of: "gamma"), folder: folder)
            let environment = ["SDAPI_URL": pool.url, "SDNEXT_SCRIPT_POLLS": "2"]
            for script in scripts {
                let arguments = ["python3", CompatFiles.script("run_sdnext_script.py"),
                                 CompatFiles.sdnextCLI.appendingPathComponent(script.file).path] + script.arguments
                let run = try await runProgram(ExternalTools.env, arguments, environment: environment, within: 60)
                let output = run.output + run.errors
                #expect(run.status == 0 && output.contains(script.expected),
                        "\(script): exit status \(run.status), expected \"\(script.expected)\"\n\(output.suffix(3000))")
            }
        }
    }
}

/// Whether python3 has what the clients import (`pip install requests pillow`).
enum PythonClients {
    static let haveRequestsAndPillow = ExternalTools.pythonCan("import requests, PIL")
}
