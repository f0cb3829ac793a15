import EaselBenchKit

/// The REST measurements of the queue scenario against a running server. Each sample is bounded twice: by its
/// count and by `timeLimit`, since on a large unindexed queue a single request can take seconds.
struct QueueProbes {
    let hub: HubClient
    let timeLimit: Duration

    /// What a sample of requests gave: how many succeeded, over how long, and how long each took.
    struct Sample {
        var succeeded = 0
        var failed = 0
        var seconds = 0.0
        var timing = TimingSample()

        var perSecond: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
    }

    /// `total` submits of 1-step jobs from `clients` concurrent clients, each its share in sequence.
    func submits(total: Int, clients: Int) async -> Sample {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeLimit
        var sample = await withTaskGroup(of: Sample.self) { group in
            for client in 0..<clients {
                let share = total / clients + (client < total % clients ? 1 : 0)
                group.addTask {
                    var own = Sample()
                    for index in 0..<share where clock.now < deadline {
                        let before = clock.now
                        do {
                            _ = try await hub.queueJob(steps: 1, label: "submit \(client)-\(index)")
                            own.timing.record(clock.now - before)
                            own.succeeded += 1
                        } catch {
                            own.failed += 1
                        }
                    }
                    return own
                }
            }
            return await group.reduce(into: Sample()) { total, own in
                total.succeeded += own.succeeded
                total.failed += own.failed
                total.timing.add(own.timing)
            }
        }
        sample.seconds = (clock.now - start).inSeconds
        return sample
    }

    /// `count` sequential `GET /api/v1/generation/jobs/active?limit=50`, the page a dashboard polls.
    func activeList(count: Int) async -> Sample {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeLimit
        var sample = Sample()
        for _ in 0..<count where clock.now < deadline {
            let before = clock.now
            do {
                _ = try await hub.get("/api/v1/generation/jobs/active?limit=50")
                sample.timing.record(clock.now - before)
                sample.succeeded += 1
            } catch {
                sample.failed += 1
            }
        }
        sample.seconds = (clock.now - start).inSeconds
        return sample
    }
}
