import ArgumentParser
import EaselCore

/// The `easel` command: runs the hub (`serve`) and, as a client, talks to a running one.
@main
struct Easel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easel",
        abstract: "Queue image generations on SD.Next backends and stream their progress.",
        discussion: """
            `easel serve` runs the hub. The other commands are clients of a running hub (--server, default \
            http://127.0.0.1:8000). Exit codes: 0 success, 1 rejected request or unknown job, 2 a watched job \
            failed or was cancelled, 3 server unreachable.
            """,
        version: EaselVersion.current,
        subcommands: [Serve.self, Submit.self, Watch.self, Jobs.self, Cancel.self, Backends.self]
    )
}
