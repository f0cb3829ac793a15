import EaselCore
import EaselGeneration
import EaselProtocol
import EaselRealtime
import Foundation
import SDNext
import ServiceLifecycle

/// The one source of `metrics_update`: once per interval, while any socket subscribed to metrics, it reads the
/// backends, the store's status counts (kept by triggers, so each is one row), the rolling job statistics
/// (`EaselMetrics.recent`, fed by job starts and ends) and the socket counts, and broadcasts one frame, encoded
/// once, to the subscribers due. With no metrics subscriber a tick reads one counter and sleeps.
struct MetricsSampler: Service {
    let service: GenerationService
    let backends: [Backend]
    let webSocket: WebSocketService
    let interval: Duration

    func run() async {
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            let start = clock.now
            var rates = StepRates()
            var tick = 0
            while !Task.isCancelled {
                tick += 1
                try? await clock.sleep(until: start + interval * tick)
                guard webSocket.manager.metricsSubscriberCount > 0 else { continue }
                guard let snapshot = try? await snapshot(rates: &rates) else { continue }
                webSocket.broadcastMetrics(snapshot, tick: tick)
            }
        }
    }

    func snapshot(rates: inout StepRates, at date: Date = Date()) async throws -> MetricsSnapshot {
        var depth: [String: Int] = [:]
        for status in JobStatus.allCases { depth[status.rawValue] = try await service.store.count(of: status) }
        let paused = try await service.store.isQueuePaused()
        let recent = service.metrics.recent.summary(at: date)
        let manager = webSocket.manager
        return MetricsSnapshot(
            intervalSeconds: interval.inSeconds,
            backends: backends.enumerated().map { index, backend in
                let status = backend.status
                let progress = status.currentJob.flatMap { service.events.history(of: $0)?.latestProgress }
                let step: Int? = if case .progress(let state)? = progress?.kind { state.currentStep } else { nil }
                let rate = rates.observe(backend: backend.url, job: status.currentJob, step: step, at: progress?.timestamp)
                return MetricsSnapshot.BackendState(
                    id: String(index), url: backend.url, state: Self.state(of: status),
                    currentJob: status.currentJob?.rawValue, loadedModel: status.inventory?.loadedCheckpoint,
                    stepsPerSecond: rate)
            },
            queue: .init(paused: paused, depth: depth),
            jobs: .init(completedPerMinute: recent.completedPerMinute, failedPerMinute: recent.failedPerMinute),
            waitSeconds: .init(p50: recent.wait.p50, p95: recent.wait.p95),
            runSeconds: .init(p50: recent.run.p50, p95: recent.run.p95),
            sockets: .init(
                connections: manager.connectionCount, metricsSubscribers: manager.metricsSubscriberCount,
                subscribedJobs: manager.subscribedJobCount))
    }

    /// One word for the panel: what keeps the backend from taking a job, else whether it runs one.
    static func state(of status: Backend.Status) -> String {
        if case .open = status.circuit.state { return "circuit_open" }
        switch status.healthy {
        case nil: return "unknown"
        case false?: return "down"
        case true?: break
        }
        if status.draining { return "draining" }
        if status.currentJob != nil { return "busy" }
        return status.busyElsewhere ? "busy_elsewhere" : "idle"
    }
}
