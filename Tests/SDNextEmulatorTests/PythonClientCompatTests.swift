import EaselTesting
import Foundation
import Logging
import SDNextEmulator
import Testing

/// `Tests/Compat/webuiapi_check.py` run with python3 against a real emulator: webuiapi (PyPI), the common Python
/// client of the A1111/SD.Next API, used unchanged, as a user's script would use it against SD.Next.
///
/// The emulator runs with SD.Next's default rate limit (300 a minute per path), so the client also proves that
/// it stays under it.
@Suite(.timeLimit(.minutes(3)), .enabled(if: ExternalTools.required || Webuiapi.isInstalled))
struct PythonClientCompatTests {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Compat/webuiapi_check.py").path

    /// Checks that fail because the emulator does not reproduce that part of SD.Next, with the reason. Each must
    /// still fail (delete its entry once it passes); any other failing check fails the test.
    static let awaitingFeatures: [String: String] = [
        "extra_batch_images": "POST /sdapi/v1/extra-batch-images (SD.Next's process-batch) is not reproduced",
    ]

    @Test func webuiapiRunsUnchangedAgainstTheEmulator() async throws {
        try await checkWebuiapi(against: .testing(rateLimitPerMinute: 300))
    }

    /// The same checks with webuiapi's `username`/`password`: every call carries HTTP Basic credentials.
    @Test func webuiapiRunsUnchangedWithBasicAuth() async throws {
        let credentials = EmulatorCredentials(username: "fox", password: "secret")
        try await checkWebuiapi(against: .testing(credentials: credentials, rateLimitPerMinute: 300), login: "fox:secret")
    }

    private func checkWebuiapi(against configuration: EmulatorConfiguration, login: String? = nil) async throws {
        try #require(Webuiapi.isInstalled, "python3 with webuiapi is needed: pip install webuiapi")
        var logger = Logger(label: "compat-emulator")
        logger.logLevel = .warning
        let run = try await withSDNextEmulator(configuration: configuration, logger: logger) { emulator in
            let arguments = ["python3", Self.script, emulator.baseURL] + (login.map { [$0] } ?? [])
            return try await runProgram(ExternalTools.env, arguments, within: 150)
        }
        let report = CheckReport(run.output)
        #expect(report.unrecognised.isEmpty, "lines that are no check's: \(report.unrecognised)\nstderr: \(run.errors)")
        #expect(report.finished, "the script stopped before its summary\nstdout: \(run.output)\nstderr: \(run.errors)")
        #expect(report.passed.contains("txt2img") && report.passed.contains("interrupt"), "\(run.output)")
        report.recordFailures(known: Self.awaitingFeatures.mapValues { "awaits \($0)" }, label: "webuiapi check failed")
        #expect(run.status == (report.failed.isEmpty ? 0 : 1), "exit status \(run.status)\nstderr: \(run.errors)")
    }
}

/// Whether python3 can import webuiapi (`pip install webuiapi`).
private enum Webuiapi {
    static let isInstalled = ExternalTools.pythonCan("import webuiapi")
}
