import ArgumentParser
import EaselClient
import EaselCore

/// `easel watch`: live progress bars for jobs on a running server.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow jobs until they end: one progress bar per job.",
        discussion: """
            With --metrics, shows the server's live metrics panel instead. With no job id, follows the jobs active now. Bars are redrawn in place on a terminal and printed as \
            lines otherwise. A dropped connection is re-established and the jobs resubscribed. Exits 0 when \
            every job completed, 2 when one failed or was cancelled.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: ArgumentHelp("Jobs to follow (default: the jobs active now).", valueName: "job-id"))
    var jobIDs: [String] = []

    @Flag(help: "Follow every job, new ones too, until interrupted.")
    var all = false

    @Flag(help: "Show the server's live metrics (backends, queue, throughput, wait and run times) until interrupted.")
    var metrics = false

    @Option(help: "With --metrics: seconds between updates (0.25 to 60; default: the server's --metrics-interval).")
    var interval: Double?

    func validate() throws {
        if all, !jobIDs.isEmpty { throw ValidationError("give job ids or --all, not both") }
        if metrics, all || !jobIDs.isEmpty { throw ValidationError("--metrics follows the server, not jobs: give no job ids or --all") }
        if let interval {
            guard metrics else { throw ValidationError("--interval goes with --metrics") }
            guard (0.25...60).contains(interval) else { throw ValidationError("--interval must be between 0.25 and 60 seconds") }
        }
    }

    func run() async throws {
        try await client.run { api in
            if metrics {
                let follower = MetricsFollower(watcher: ProgressWatcher(endpoint: api.endpoint))
                return try await follower.follow(
                    interval: interval, width: Console.isTerminal ? Console.width : nil, write: Console.out)
            }
            let scope: ProgressBoard.Scope
            if all {
                scope = .allJobs
            } else if jobIDs.isEmpty {
                let active = try await api.activeJobs()
                guard !active.isEmpty else {
                    Console.out("no active jobs on \(api.endpoint)\n")
                    return
                }
                scope = .jobs(active.map { JobID(rawValue: $0.id) })
            } else {
                let ids = try jobIDs.map(ClientOptions.jobID)
                for id in ids { _ = try await api.job(id) }
                scope = .jobs(ids)
            }
            try await FollowJobs.run(scope, api: api)
        }
    }
}
