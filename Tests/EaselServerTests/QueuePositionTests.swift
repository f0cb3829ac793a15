import DynamicJSON
import EaselTesting
import Foundation
import Testing

/// Queue positions and ETAs as the queue moves, on the socket and over REST: three jobs wait in a paused queue
/// (positions 1, 2, 3, no start time while paused), then the queue resumes, the first starts and the others move up.
@Suite(.timeLimit(.minutes(3))) struct QueuePositionTests {
    @Test func positionsAndETAsFollowTheQueueOnTheSocketAndOverREST() async throws {
        try await withEmulators(count: 1, stepMilliseconds: 20) { emulators in
            try await withHub(backends: emulators.map(\.baseURL), configure: { $0.positions.interval = .milliseconds(100) }) { hub in
                #expect(try await hub.request(.POST, "/api/v1/generation/queue/pause").status == 200)
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    var jobs: [String] = []
                    for index in 0..<3 {
                        jobs.append(try await hub.queue(#"{"prompt":"in line \#(index)","steps":100,"width":64,"height":64}"#))
                    }
                    var positions = try await queuedPositions(on: socket, [jobs[0]: 1, jobs[1]: 2, jobs[2]: 3])
                    #expect(positions.values.allSatisfy { $0.eta == nil }, "no start time while the queue is paused")
                    let third = try await hub.request(.GET, "/api/v1/generation/jobs/\(jobs[2])").body["delivery"]
                    #expect(third?["queue_position"]?.int == 3)
                    #expect(third?["eta_seconds"] == .null)

                    #expect(try await hub.request(.POST, "/api/v1/generation/queue/resume").status == 200)
                    positions = try await queuedPositions(on: socket, [jobs[1]: 1, jobs[2]: 2], afterStartOf: jobs[0])
                    let second = try #require(positions[jobs[1]]?.eta)
                    let last = try #require(positions[jobs[2]]?.eta)
                    #expect(second > 0 && last > second)

                    #expect(try await eventually {
                        let view = try await hub.request(.GET, "/api/v1/generation/jobs/\(jobs[2])").body["delivery"]
                        return view?["queue_position"]?.int == 2 && view?["eta_seconds"]?.double != nil
                    })
                    let active = try await hub.request(.GET, "/api/v1/generation/jobs/active").body
                    let entry = active.array?.first { $0["id"]?.string == jobs[2] }
                    #expect(entry?["queue_position"]?.int == 2)
                }
            }
        }
    }

    typealias Figures = [String: (position: Int, eta: Double?)]

    /// Reads `queued` updates (those after `first` started, when given) until the latest figures of the jobs give
    /// `positions`; returns those figures.
    private func queuedPositions(
        on socket: TestSocket, _ positions: [String: Int], afterStartOf first: String? = nil
    ) async throws -> Figures {
        var started = first == nil
        var figures: Figures = [:]
        while !(started && figures.mapValues(\.position) == positions) {
            let message = try await socket.next("progress_update")
            guard let data = message["data"], let job = data["job_id"]?.string else { continue }
            if job == first, data["status"]?.string == "processing" { started = true }
            guard started, positions[job] != nil, data["status"]?.string == "queued", let position = data["queue_position"]?.int
            else { continue }
            figures[job] = (position, data["eta_seconds"]?.double)
        }
        return figures
    }
}
