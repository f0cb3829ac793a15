import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// One job per backend, N backends run N jobs, the rest wait; unreachable backends are skipped.
@Suite(.timeLimit(.minutes(2))) struct DispatchTests {
    @Test func twoBackendsRunTwoJobsWithTheirOwnProgressAndAThirdWaits() async throws {
        try await withEmulators(count: 2) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let first = try await hub.queue(#"{"prompt":"first","steps":30,"width":64,"height":64}"#)
                    let second = try await hub.queue(#"{"prompt":"second","steps":45,"width":64,"height":64}"#)
                    let third = try await hub.queue(#"{"prompt":"third","steps":5,"width":64,"height":64}"#)

                    var completed: [String] = []
                    var thirdStartedAfter: Int?
                    var progressByJob: [String: [Double]] = [:]
                    var totals: [String: Set<Int>] = [:]
                    while completed.count < 3 {
                        let message = try await socket.next()
                        guard let data = message["data"], let job = data["job_id"]?.string else { continue }
                        switch message["type"]?.string {
                        case "progress_update":
                            progressByJob[job, default: []].append(data["progress"]?.double ?? -1)
                            if let total = data["total_steps"]?.int { totals[job, default: []].insert(total) }
                            if job == third, data["status"]?.string == "processing", thirdStartedAfter == nil {
                                thirdStartedAfter = completed.count
                            }
                        case "generation_complete":
                            #expect(data["status"]?.string == "completed")
                            completed.append(job)
                        default:
                            break
                        }
                    }
                    // The third job only started once a backend was free.
                    #expect(thirdStartedAfter.map { $0 >= 1 } == true)
                    #expect(Set(completed.prefix(2)) == [first, second] || completed.first == first)
                    #expect(totals[first] == [30] && totals[second] == [45] && totals[third] == [5])
                    for (job, fractions) in progressByJob {
                        #expect(fractions == fractions.sorted(), "progress of \(job) went backwards: \(fractions)")
                        #expect(fractions.last == 1)
                    }
                    // The two running jobs were on different backends.
                    let firstBackend = try await hub.request(.GET, "/api/v1/generation/jobs/\(first)").body["delivery"]?["backend_url"]
                    let secondBackend = try await hub.request(.GET, "/api/v1/generation/jobs/\(second)").body["delivery"]?["backend_url"]
                    #expect(firstBackend != nil && firstBackend != secondBackend)
                }
            }
        }
    }

    @Test func anUnreachableBackendIsSkippedWhileOthersServe() async throws {
        try await withEmulators(count: 1) { emulators in
            // Nothing listens on port 9 (discard) on loopback here, so this backend refuses connections.
            let dead = "http://127.0.0.1:9"
            try await withHub(backends: [dead] + emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    for index in 0..<3 {
                        let job = try await hub.queue(#"{"prompt":"job \#(index)","steps":3,"width":64,"height":64}"#)
                        let complete = try await socket.next("generation_complete", job: job)
                        #expect(complete["data"]?["status"]?.string == "completed")
                    }
                }
                let backends = try await hub.request(.GET, "/api/v1/generation/backends").body
                #expect(backends["sdnext"] == .bool(true))
                let entries = try #require(backends["backends"]?.array)
                let deadMarked = try await eventually {
                    let entries = try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array
                    return entries?.first { $0["url"]?.string == dead }?["healthy"] == .bool(false)
                }
                #expect(deadMarked)
                #expect(entries.first { $0["url"]?.string == emulators[0].baseURL }?["completed_jobs"]?.int == 3)
            }
        }
    }
}
