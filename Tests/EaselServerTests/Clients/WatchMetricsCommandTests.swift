import EaselServer
import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// `easel watch --metrics` as the built binary: the panel printed as blocks when the output is not a terminal, and
/// its bad flags refused before anything connects.
@Suite(.timeLimit(.minutes(2))) struct WatchMetricsCommandTests {
    @Test func watchMetricsPrintsThePanelOfTheServer() async throws {
        let binary = try #require(ClientTools.easelBinary, "build the easel binary first: swift build --product easel")
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.realtime.metricsInterval = .milliseconds(200) }) { hub in
                let job = try await hub.queue(#"{"prompt":"counted","steps":2,"width":64,"height":64}"#)
                try await waitUntil("the job completes", within: 20) {
                    try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]?["status"]?.string == "completed"
                }
                try await withChildProcess(binary, ["watch", "--metrics", "--server", hub.baseURL]) { watch in
                    try await watch.waitFor("completed 1/min", within: 30)
                    try await watch.waitFor("backend 0 idle         \(emulators[0].baseURL)", within: 30)
                    #expect(watch.output.contains("queue running  queued 0  processing 0  completed 1  failed 0  cancelled 0"))
                    // Not a terminal: plain blocks, no cursor movement.
                    #expect(!watch.output.contains("\u{1B}["))
                }
            }
        }
    }

    @Test(arguments: [
        (["watch", "--metrics", "--all"], "--metrics follows the server"),
        (["watch", "--interval", "2"], "--interval goes with --metrics"),
        (["watch", "--metrics", "--interval", "0.1"], "--interval must be between 0.25 and 60 seconds"),
        (["serve", "--metrics-interval", "61"], "--metrics-interval must be between 0.25 and 60 seconds"),
    ])
    func badMetricsFlagsAreRefused(arguments: [String], message: String) async throws {
        let binary = try #require(ClientTools.easelBinary, "build the easel binary first: swift build --product easel")
        let result = try await runProgram(binary, arguments, within: 30)
        #expect(result.status != 0)
        #expect(result.errors.contains(message), "\(result.errors)")
    }
}
