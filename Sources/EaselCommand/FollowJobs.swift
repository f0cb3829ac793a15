import ArgumentParser
import EaselClient
import EaselCore

/// Follows jobs on the terminal or as plain lines, then reports the ones that did not complete; shared by
/// `easel watch` and `easel submit --watch`. Exits 2 when a followed job failed or was cancelled.
enum FollowJobs {
    static func run(_ scope: ProgressBoard.Scope, api: EaselAPIClient) async throws {
        let follower = JobFollower(watcher: ProgressWatcher(endpoint: api.endpoint))
        let board: ProgressBoard
        if Console.isTerminal {
            var display = TerminalProgressDisplay(width: Console.width, write: Console.out)
            board = try await follower.follow(scope, on: &display)
        } else {
            var display = PlainProgressDisplay(write: Console.out)
            board = try await follower.follow(scope, on: &display)
        }
        let unsuccessful = board.unsuccessful
        for row in unsuccessful {
            Console.error("job \(row.jobID) \(row.status.rawValue)\(row.errorMessage.map { ": \($0)" } ?? "")")
        }
        if !unsuccessful.isEmpty { throw ExitCode(2) }
    }
}
