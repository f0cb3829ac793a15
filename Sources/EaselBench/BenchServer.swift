import EaselBenchKit

/// Emulated backends for `workload` in this process, and the release server on them as a child process;
/// both are stopped when `body` returns or throws.
func withBenchServer<Result: Sendable>(
    _ settings: BenchSettings, workload: Workload, _ body: (ServerProcess, HubClient) async throws -> Result
) async throws -> Result {
    try await withEmulatorFleet(count: workload.concurrentJobs, stepDuration: .milliseconds(workload.stepMilliseconds)) { urls in
        let arguments = urls.flatMap { ["--sdnext", $0] } + workload.serverPollArguments + settings.serverOptions
        return try await withServerProcess(binary: settings.serverBinary, arguments: arguments) { server in
            try await body(server, HubClient(port: server.port))
        }
    }
}

/// Queues `rounds` jobs per backend, so each backend runs jobs back to back for the whole run.
func queueJobs(_ workload: Workload, on hub: HubClient) async throws -> [String] {
    var ids: [String] = []
    for index in 0..<(workload.concurrentJobs * workload.rounds) {
        ids.append(try await hub.queueJob(steps: workload.stepsPerJob, label: "\(index)"))
    }
    return ids
}

extension Duration {
    /// The duration in seconds, with its fraction.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Sleeps for a fractional number of seconds.
func sleep(seconds: Double) async throws {
    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
}

/// Reported when subscribers could not all be connected and confirmed in time.
struct SubscribeTimeout: Error, CustomStringConvertible {
    let wanted: Int
    let confirmed: Int
    var description: String { "only \(confirmed) of \(wanted) subscriptions were confirmed in time" }
}
