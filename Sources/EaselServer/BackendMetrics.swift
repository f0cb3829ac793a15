import EaselGeneration
import Prometheus

/// Per-backend gauges, refreshed from each backend's status when `/metrics` is scraped.
enum BackendMetrics {
    static func update(_ backends: [Backend], in registry: PrometheusCollectorRegistry) {
        for backend in backends {
            let status = backend.status
            let labels = [("backend", backend.url)]
            registry.makeGauge(name: "easel_backend_healthy", labels: labels, help: "1 when the last health check passed")
                .set(status.healthy == true ? 1.0 : 0.0)
            registry.makeGauge(name: "easel_backend_busy", labels: labels, help: "1 while the backend runs a job")
                .set(status.currentJob == nil ? 0.0 : 1.0)
            registry.makeGauge(name: "easel_backend_completed_jobs", labels: labels, help: "Jobs completed on the backend")
                .set(Double(status.completedJobs))
        }
    }
}
