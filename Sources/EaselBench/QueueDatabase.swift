import EaselBenchKit
import EaselCore
import EaselSQLite
import Foundation

/// The queue scenario's SQLite file, used in this process while no server has it open: filled in bulk, and where
/// `claimNext` is timed through the same `SQLiteJobStore` (the queue heads and the conditional claim, the queries the
/// server's dispatch runs, on the same GRDB pool settings).
/// Each call opens the store and closes it on return, so the server child is the only user afterwards.
struct QueueDatabase {
    let path: String
    /// Jobs built and inserted per call of the batch insert: bounds the memory the fill holds at once.
    static let jobsPerFillCall = 10_000
    /// Longest a fill may take; it then stops and the sizes report says how many jobs were queued.
    static let fillTimeLimit = Duration.seconds(1800)

    /// The jobs the scenario queues: one step at 64×64, so the emulators finish them at once and the dispatch rate
    /// is the server's (claim, run bookkeeping, finish), not the backends'.
    static func parameters(label: String) -> GenerationParameters {
        GenerationParameters(prompt: "queue bench \(label)", steps: 1, width: 64, height: 64)
    }

    /// Adds jobs until `size` are queued (fewer if the time limit is reached first).
    func fill(to size: Int) async throws -> (added: Int, seconds: Double, queued: Int) {
        let store = try SQLiteJobStore(path: path)
        var queued = try await store.count(of: .queued)
        let start = ContinuousClock.now
        var added = 0
        while queued < size, ContinuousClock.now - start < Self.fillTimeLimit {
            let count = min(Self.jobsPerFillCall, size - queued)
            let first = added
            try await store.insert(contentsOf: (0..<count).map { Job(parameters: Self.parameters(label: "fill \(first + $0)")) })
            added += count
            queued += count
        }
        let seconds = (ContinuousClock.now - start).inSeconds
        return (added, seconds, try await store.count(of: .queued))
    }

    /// Times up to `count` claims, for at most `timeLimit`, after one untimed claim (the server's pool is warm
    /// too); then puts every claimed job back in the queue, oldest first as before, so the queue keeps its size.
    func timeClaims(count: Int, timeLimit: Duration) async throws -> LatencySummary {
        let store = try SQLiteJobStore(path: path)
        let clock = ContinuousClock()
        var sample = TimingSample()
        var claimed: [JobID] = []
        if let warmUp = try await store.claimNext(backend: "easel-bench", at: Date()) { claimed.append(warmUp.id) }
        let deadline = clock.now + timeLimit
        while sample.count < count, clock.now < deadline {
            let before = clock.now
            guard let job = try await store.claimNext(backend: "easel-bench", at: Date()) else { break }
            sample.record(clock.now - before)
            claimed.append(job.id)
        }
        for id in claimed { _ = try await store.requeue(id) }
        return sample.summary
    }
}
