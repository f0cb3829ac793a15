import EaselServer
import EaselTesting
import Foundation

/// Runs a hub beside `body` so the test can stop it part-way (to watch clients notice a stopped server) and
/// start another on the same port. Whatever is still running is stopped before this returns.
func withBackgroundHub<Result>(
    backends: [String],
    dataDirectory: URL? = nil,
    port: Int = 0,
    _ body: (_ hub: TestHub, _ stop: () async throws -> Void) async throws -> Result
) async throws -> Result {
    let (hubs, hubContinuation) = AsyncStream.makeStream(of: TestHub.self)
    let (stopSignal, stopContinuation) = AsyncStream.makeStream(of: Void.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { hubContinuation.finish() }
            try await withHub(backends: backends, dataDirectory: dataDirectory, configure: { $0.port = port }) { hub in
                hubContinuation.yield(hub)
                for await _ in stopSignal {}
            }
        }
        defer { stopContinuation.finish() }
        var iterator = hubs.makeAsyncIterator()
        guard let hub = await iterator.next() else {
            try await group.waitForAll()
            throw TestFailure("the background hub stopped before it listened")
        }
        let result = try await body(hub) {
            stopContinuation.finish()
            try await group.waitForAll()
        }
        stopContinuation.finish()
        try await group.waitForAll()
        return result
    }
}
