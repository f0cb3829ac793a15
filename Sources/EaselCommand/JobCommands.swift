import ArgumentParser
import EaselClient
import EaselCore

/// `easel jobs`: the active jobs and the most recent results as one table.
struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List active and recently completed jobs.")

    @OptionGroup var client: ClientOptions

    @Option(help: "How many recent results to list (1...100).")
    var recent = 10

    func validate() throws {
        guard (1...100).contains(recent) else { throw ValidationError("--recent must be between 1 and 100") }
    }

    func run() async throws {
        try await client.run { api in
            let active = try await api.activeJobs()
            let activeIDs = Set(active.map(\.id))
            let results = try await api.recentResults(limit: recent).filter { !activeIDs.contains($0.id) }
            guard !active.isEmpty || !results.isEmpty else {
                Console.out("no active or recent jobs on \(api.endpoint)\n")
                return
            }
            let rows = active.map { job in
                [job.id, job.status, job.progress.map { "\(Int($0))%" } ?? "-",
                 "\(job.currentStep.map(String.init) ?? "-")/\(job.totalSteps.map(String.init) ?? "-")",
                 Self.time(job.createdAt), job.prompt]
            } + results.map { result in
                [result.id, result.status, "100%", result.steps.map { "\($0)/\($0)" } ?? "-",
                 Self.time(result.createdAt), result.prompt]
            }
            Console.out(TableFormatter.format(
                header: ["JOB ID", "STATUS", "PROGRESS", "STEPS", "CREATED (UTC)", "PROMPT"], rows: rows) + "\n")
        }
    }

    /// `2025-10-02T05:28:04.123456+00:00` → `2025-10-02 05:28:04`.
    static func time(_ text: String?) -> String {
        guard let text, text.count >= 19 else { return "-" }
        return text.prefix(19).replacingOccurrences(of: "T", with: " ")
    }
}

/// `easel cancel`: cancels a queued or running job.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The job to cancel.")
    var jobID: String

    func run() async throws {
        try await client.run { api in
            let id = try ClientOptions.jobID(jobID)
            let message = try await api.cancel(id)
            Console.out("job \(id): \(message)\n")
        }
    }
}

/// `easel backends`: the SD.Next backends and their health.
struct Backends: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the SD.Next backends and their health.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await client.run { api in
            let report = try await api.backends()
            let rows = report.backends.map { backend in
                [backend.url, backend.healthy.map { $0 ? "yes" : "no" } ?? "unknown", backend.currentJob ?? "-",
                 backend.completedJobs.map(String.init) ?? "0", backend.lastError ?? "-"]
            }
            Console.out(TableFormatter.format(header: ["URL", "HEALTHY", "CURRENT JOB", "DONE", "LAST ERROR"], rows: rows) + "\n")
            Console.out(report.sdnext ? "at least one backend is healthy\n" : "no healthy backend\n")
        }
    }
}
