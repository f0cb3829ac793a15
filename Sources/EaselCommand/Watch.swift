import ArgumentParser
import EaselClient
import EaselCore

/// `easel watch`: live progress bars for jobs on a running server.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow jobs until they end: one progress bar per job.",
        discussion: """
            With no job id, follows the jobs active now. Bars are redrawn in place on a terminal and printed as \
            lines otherwise. A dropped connection is re-established and the jobs resubscribed. Exits 0 when \
            every job completed, 2 when one failed or was cancelled.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: ArgumentHelp("Jobs to follow (default: the jobs active now).", valueName: "job-id"))
    var jobIDs: [String] = []

    @Flag(help: "Follow every job, new ones too, until interrupted.")
    var all = false

    func validate() throws {
        if all, !jobIDs.isEmpty { throw ValidationError("give job ids or --all, not both") }
    }

    func run() async throws {
        try await client.run { api in
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
