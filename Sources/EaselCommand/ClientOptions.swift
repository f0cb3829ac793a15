import ArgumentParser
import EaselClient
import EaselCore
import Foundation

/// The `--server` option every client command shares, and the one place client errors become output: a single
/// `easel: error: …` line on standard error and a non-zero exit code (3 unreachable, 1 other failures).
struct ClientOptions: ParsableArguments {
    @Option(help: "URL of the Easel server.")
    var server = ServerEndpoint.defaultURL

    /// Runs a client command body, turning a `ClientError` into its one-line message and exit code.
    func run(_ body: (EaselAPIClient) async throws -> Void) async throws {
        do {
            try await EaselAPIClient.withClient(endpoint: try ServerEndpoint(server), body)
        } catch let error as ClientError {
            Console.error(error.message)
            throw ExitCode(error.exitCode)
        }
    }

    /// A job id from the command line, or an `invalidInput` error naming it.
    static func jobID(_ text: String) throws(ClientError) -> JobID {
        guard let id = JobID(validating: text) else {
            throw ClientError(.invalidInput, "\"\(text)\" is not a job id")
        }
        return id
    }
}

/// Unbuffered writes to standard output and error, so progress appears at once even through a pipe.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("easel: error: \(message)\n".utf8))
    }

    /// True when standard output is a terminal, where bars are redrawn in place.
    static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// The terminal's width in columns (`COLUMNS`, then 80, when it cannot be asked).
    static var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}
