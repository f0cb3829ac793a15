import EaselTesting
import Foundation
import Testing

/// Tests/Compat/webuiapi_check.py (webuiapi, the common Python client of the SD.Next/A1111 API) run unchanged
/// against Easel's gateway, as against one SD.Next box. webuiapi uses one client address, so it is one caller:
/// its progress, interrupt and skip are its own and act as on SD.Next.
@Suite(.timeLimit(.minutes(5)), .enabled(if: ExternalTools.required || ExternalTools.pythonCan("import webuiapi")))
struct WebuiapiGatewayTests {
    /// Checks whose premise is one SD.Next box, with why it does not hold for a pool behind a queue. Each must
    /// still fail (delete its entry once it passes); any other failing check fails the test.
    static let singleBoxPremises: [String: String] = [
        "extra_single_image": "postprocessing would run on a backend outside the queue: the gateway answers 501",
        "extra_batch_images": "postprocessing would run on a backend outside the queue: the gateway answers 501",
        // SD.Next encodes the answer's images after it restores the request's override_settings, so a caller's
        // samples_format (carried as an override, not set on a shared backend) does not reach the encoding.
        "png_info": "sets samples_format through options, a server-wide setting the gateway keeps per caller",
    ]

    @Test func webuiapiRunsUnchangedAgainstTheGateway() async throws {
        try #require(ExternalTools.pythonCan("import webuiapi"), "python3 with webuiapi is needed: pip install webuiapi")
        // webuiapi_check.py's long jobs have 1000 steps; Easel's default limit is 150.
        let run = try await GatewayPool.run(configure: { $0.limits.steps = 1...1000 }) { pool in
            try await runProgram(
                ExternalTools.env, ["python3", CompatFiles.script("webuiapi_check.py"), pool.url], within: 240)
        }
        let report = CheckReport(run.output)
        #expect(report.unrecognised.isEmpty, "lines that are no check's: \(report.unrecognised)\nstderr: \(run.errors)")
        #expect(report.finished, "the script stopped before its summary\nstdout: \(run.output)\nstderr: \(run.errors)")
        report.recordFailures(
            known: Self.singleBoxPremises.mapValues { "assumes one box: \($0)" }, label: "webuiapi check failed through the gateway")
    }
}
