import EaselTesting
import Foundation
import Logging
import SDNextEmulator
import Testing

/// `Tests/Compat/sd_backend_client_check.py` against an emulator with `--flavor a1111`: sd-backend-client (PyPI), a
/// client written for A1111, used unchanged. It validates A1111's `info` keys, `stopping_generation`, sampler
/// `aliases` and the 200 on interrupt, so it fails on today's SD.Next and must pass on the A1111 flavor.
@Suite(.timeLimit(.minutes(2)), .enabled(if: ExternalTools.required || SDBackendClient.isInstalled))
struct A1111ClientCompatTests {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Compat/sd_backend_client_check.py").path

    @Test func sdBackendClientRunsUnchangedAgainstTheA1111Flavor() async throws {
        try #require(SDBackendClient.isInstalled, "python3 with sd-backend-client is needed: pip install sd-backend-client")
        var configuration = EmulatorConfiguration.testing()
        configuration.flavor = .a1111
        configuration.samplesFormat = Flavor.a1111.defaultSamplesFormat
        var logger = Logger(label: "compat-emulator")
        logger.logLevel = .warning
        let run = try await withSDNextEmulator(configuration: configuration, logger: logger) { emulator in
            try await runProgram(ExternalTools.env, ["python3", Self.script, emulator.baseURL], within: 100)
        }
        let report = CheckReport(run.output)
        #expect(report.unrecognised.isEmpty, "lines that are no check's: \(report.unrecognised)\nstderr: \(run.errors)")
        #expect(report.finished, "the script stopped before its summary\nstdout: \(run.output)\nstderr: \(run.errors)")
        #expect(report.passed.count == 6, "\(run.output)")
        for (name, reason) in report.failed { Issue.record("sd-backend-client check failed: \(name): \(reason)") }
        #expect(run.status == 0, "exit status \(run.status)\nstderr: \(run.errors)")
    }
}

/// Whether python3 can import sd-backend-client (`pip install sd-backend-client`).
private enum SDBackendClient {
    static let isInstalled = ExternalTools.pythonCan("import sd_backend_client")
}
