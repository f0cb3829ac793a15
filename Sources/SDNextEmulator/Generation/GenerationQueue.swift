/// SD.Next's global `queue_lock`: one generation (or model load) at a time, in arrival order.
///
/// Work is handed to a single worker task that the emulator's `run()` owns, rather than running
/// in the request's task, so a client closing its connection does not cancel the job (as in
/// SD.Next, where only `/interrupt` stops one). The waiting request just stops listening.
actor GenerationQueue {
    struct ClosedError: Error {}

    private struct Job: Sendable {
        let run: @Sendable () async -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private var pending: [Job] = []
    private var waiter: CheckedContinuation<Job?, Never>?
    private var closed = false

    /// Queues `work` behind every earlier job and returns its result once the worker ran it.
    func perform<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        guard !closed else { throw ClosedError() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                run: {
                    do { continuation.resume(returning: try await work()) } catch { continuation.resume(throwing: error) }
                },
                fail: { continuation.resume(throwing: $0) })
            if let waiter {
                self.waiter = nil
                waiter.resume(returning: job)
            } else {
                pending.append(job)
            }
        }
    }

    /// Runs queued jobs one at a time until `close()`.
    func runWorker() async {
        while let job = await next() {
            await job.run()
        }
    }

    private func next() async -> Job? {
        if !pending.isEmpty { return pending.removeFirst() }
        if closed { return nil }
        return await withCheckedContinuation { waiter = $0 }
    }

    /// Stops the worker after its current job and fails every job still waiting.
    func close() {
        closed = true
        waiter?.resume(returning: nil)
        waiter = nil
        let abandoned = pending
        pending = []
        for job in abandoned { job.fail(ClosedError()) }
    }
}
