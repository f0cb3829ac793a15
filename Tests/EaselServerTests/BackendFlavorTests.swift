import DynamicJSON
import EaselTesting
import SDNextEmulator
import Testing

/// Easel on the servers its users still run: SD.Next before per-stage progress and AUTOMATIC1111. Each backend's
/// flavor is learnt at its health check, and its progress is read by that flavor's rules, so a job's progress over
/// the socket counts through both iterations and the job completes with its image.
@Suite(.timeLimit(.minutes(2))) struct BackendFlavorTests {
    @Test(arguments: [(Flavor.sdnextLegacy, "sdnext-legacy"), (Flavor.a1111, "a1111")])
    func aJobOnAnOlderServerStreamsTheSecondIterationsSteps(flavor: Flavor, reported: String) async throws {
        try await withEmulators(count: 1, stepMilliseconds: 40, flavor: flavor) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let job = try await hub.queue(#"{"prompt":"a red fox","steps":12,"n_iter":2,"width":64,"height":64}"#)
                    let events = try await socket.lifecycle(of: job)
                    let updates = events.filter { $0["type"]?.string == "progress_update" }.compactMap { $0["data"] }
                    // The second iteration's sampling shows as steps 13 to 23 of 24.
                    #expect(updates.contains { ($0["current_step"]?.int ?? 0) > 12 && ($0["current_step"]?.int ?? 0) < 24 })
                    let complete = try #require(events.last?["data"])
                    #expect(complete["status"]?.string == "completed")
                    #expect(complete["images"]?.array?.count == 2)
                }
                let (_, backends) = try await hub.request(.GET, "/api/v1/generation/backends")
                #expect(backends["backends"]?[0]?["flavor"]?.string == reported)
            }
        }
    }
}
