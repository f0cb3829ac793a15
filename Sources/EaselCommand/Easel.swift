import ArgumentParser

/// The `easel` command: runs the hub (`serve`) and, as a client, talks to a running one.
@main
struct Easel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easel",
        abstract: "Queue image generations on SD.Next backends and stream their progress.",
        subcommands: [Serve.self]
    )
}
