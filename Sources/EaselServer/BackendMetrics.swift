import EaselGeneration
import Prometheus

/// Per-backend gauges, refreshed from each backend's status when `/metrics` is scraped.
enum BackendMetrics {
    static func update(_ backends: [Backend], in registry: PrometheusCollectorRegistry) {
        let healthy = descriptor("healthy", "1 when the last health check passed")
        let busy = descriptor("busy", "1 while the backend runs a job")
        let completed = descriptor("completed_jobs", "Jobs completed on the backend")
        for backend in backends {
            let status = backend.status
            let labels = [("backend", backend.url)]
            registry.makeGauge(descriptor: healthy, labels: labels).set(status.healthy == true ? 1.0 : 0.0)
            registry.makeGauge(descriptor: busy, labels: labels).set(status.currentJob == nil ? 0.0 : 1.0)
            registry.makeGauge(descriptor: completed, labels: labels).set(Double(status.completedJobs))
        }
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "easel", subsystem: "backend", metricName: name, unitName: "", helpText: help)
    }
}
