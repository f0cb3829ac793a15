import EaselBenchKit
import Foundation
import NIOCore

/// `calls` gateway generations sent at once to a server with several backends. While they run, the server is
/// sampled (`generation/backends` for busy backends, `/metrics` for the queue depth) so the report shows that every
/// backend was busy and that all calls were held by the server at once; afterwards each call's job record says
/// where and when it ran, which gives the same figures without depending on when the samples looked.
struct GatewayBurst {
    let caller: GenerationCaller
    let hub: HubClient
    let url: String
    let body: ByteBuffer
    let calls: Int
    let backends: Int

    /// What the server looked like while the burst ran.
    private struct Occupancy: Sendable {
        var samples = 0
        var mostBusy = 0
        var samplesAllBusy = 0
        /// Queued plus running jobs, at most.
        var mostHeld = 0.0
    }

    func run() async throws -> (metrics: [Metric], notes: [String]) {
        let start = ContinuousClock.now
        // The calls, and beside them the sampler, a child of the same group that is cancelled once the calls end.
        let (outcomes, wall, occupancy) = await withTaskGroup(of: Occupancy.self) { group in
            group.addTask { await watchServer() }
            let outcomes = await withTaskGroup(of: GenerationCaller.Outcome.self) { calls in
                for _ in 0..<self.calls { calls.addTask { await caller.call(url, body: body) } }
                return await calls.reduce(into: []) { $0.append($1) }
            }
            let wall = (ContinuousClock.now - start).inSeconds
            group.cancelAll()
            return (outcomes, wall, await group.next() ?? Occupancy())
        }
        var sample = CallSample()
        outcomes.forEach { sample.add($0) }
        sample.seconds = wall

        var intervals: [BusyInterval] = []
        for id in outcomes.compactMap(\.jobID) {
            if let job = try await hub.jobRecord(id), let finished = job.finished {
                intervals.append(BusyInterval(backend: job.backend, start: job.started, end: finished))
            }
        }
        let perBackend = BusyInterval.jobsPerBackend(intervals)
        let busySeconds = intervals.reduce(0) { $0 + $1.end.timeIntervalSince($1.start) }
        var notes = sample.problems.map { "burst call failed: \($0)" }
        let withoutID = outcomes.filter { $0.jobID == nil }.count
        if withoutID > 0 { notes.append("\(withoutID) burst answers had no \(GenerationCaller.jobIDHeader) header") }
        notes.append("burst jobs per backend: " + perBackend.sorted { $0.key < $1.key }.map { "\($0.value)" }.joined(separator: ", "))
        let all = "= \(backends)"
        return ([
            Metric("burst calls failed", Double(sample.failed), "call", target: "0"),
            Metric("burst wall time", wall, "s"),
            Metric("burst generations/s", sample.perSecond, "gen/s"),
            Metric("burst call p50", sample.timing.summary.p50Milliseconds, "ms"),
            Metric("burst call p99", sample.timing.summary.p99Milliseconds, "ms"),
            Metric("burst backends that ran jobs (job records)", Double(perBackend.count), "backend", target: all),
            Metric("burst most jobs running at once (job records)", Double(BusyInterval.maximumOverlap(intervals)), "job", target: all),
            Metric("burst pool busy (job time ÷ backends × wall time)", busySeconds * 100 / (Double(backends) * wall), "%"),
            Metric("burst most backends busy at once (samples)", Double(occupancy.mostBusy), "backend", target: all),
            Metric("burst samples with all backends busy", occupancy.samples > 0 ? Double(occupancy.samplesAllBusy) * 100 / Double(occupancy.samples) : 0, "%"),
            Metric("burst most calls held by the server (queued + running)", occupancy.mostHeld, "call", target: "= \(calls)"),
            Metric("burst server samples", Double(occupancy.samples), "sample"),
        ], notes)
    }

    /// Samples the server until cancelled; a failed sample is skipped.
    private func watchServer() async -> Occupancy {
        var occupancy = Occupancy()
        while !Task.isCancelled {
            if let busy = try? await hub.backends().filter(\.busy).count, let queued = try? await hub.queueCounters().queueDepth {
                occupancy.samples += 1
                occupancy.mostBusy = max(occupancy.mostBusy, busy)
                if busy == backends { occupancy.samplesAllBusy += 1 }
                occupancy.mostHeld = max(occupancy.mostHeld, queued + Double(busy))
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return occupancy
    }
}
