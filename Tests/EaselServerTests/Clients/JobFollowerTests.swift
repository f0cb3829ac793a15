import EaselClient
import EaselCore
import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// What a follower showed, sent to the test as it happens.
private struct RecordingDisplay: ProgressDisplay {
    let sink: AsyncStream<String>.Continuation

    mutating func show(_ board: ProgressBoard, changed: JobID) {
        if let row = board.rows.first(where: { $0.jobID == changed }) { sink.yield("row \(row.status.rawValue)") }
    }

    mutating func notice(_ text: String) {
        sink.yield("notice \(text)")
    }
}

/// `EaselClient` against a live hub: the follower that `easel watch` runs, across a hub restart.
@Suite(.timeLimit(.minutes(2))) struct JobFollowerTests {
    private static func fastWatcher(_ hub: TestHub) throws -> ProgressWatcher {
        var configuration = ProgressWatcher.Configuration()
        configuration.reconnectDelay = .milliseconds(100)
        configuration.maxReconnectDelay = .milliseconds(500)
        configuration.giveUpAfter = .seconds(30)
        return ProgressWatcher(endpoint: try ServerEndpoint(hub.baseURL), configuration: configuration)
    }

    @Test func aFollowerReconnectsAndResubscribesWhenTheHubRestarts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-follow-\(UUID().uuidString)")
        let (shown, sink) = AsyncStream.makeStream(of: String.self)
        var hanging = FaultSettings()
        hanging.hang = true
        try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(hanging)
            let backends = emulators.map(\.baseURL)
            try await withBackgroundHub(backends: backends, dataDirectory: folder) { hub, stop in
                let job = JobID(rawValue: try await hub.queue(#"{"prompt":"a boat","steps":10,"width":64,"height":64}"#))
                let follower = JobFollower(watcher: try Self.fastWatcher(hub))
                try await withThrowingTaskGroup(of: ProgressBoard.self) { group in
                    group.addTask {
                        var display = RecordingDisplay(sink: sink)
                        return try await follower.follow(.jobs([job]), on: &display)
                    }
                    var iterator = shown.makeAsyncIterator()
                    while await iterator.next() != "row processing" {}
                    try await stop()
                    while let line = await iterator.next(), !line.hasPrefix("notice connection lost") {}
                    await emulators[0].controls.setFaults(FaultSettings())
                    try await withHub(backends: backends, dataDirectory: folder, configure: { $0.port = hub.port }) { _ in
                        let board = try #require(try await group.next())
                        #expect(board.rows.map(\.status) == [.completed])
                        #expect(board.rows.first?.images.count == 1)
                    }
                    sink.finish()
                    var rest: [String] = []
                    while let line = await iterator.next() { rest.append(line) }
                    #expect(rest.contains("notice reconnected; resubscribed"))
                    #expect(rest.last == "row completed")
                }
            }
        }
    }

    @Test func followingAnUnknownJobFailsWithNotFound() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let follower = JobFollower(watcher: try Self.fastWatcher(hub))
                var display = PlainProgressDisplay { _ in }
                await #expect(throws: ClientError.self) {
                    _ = try await follower.follow(.jobs([JobID(rawValue: "no-such-job")]), on: &display)
                }
            }
        }
    }
}
