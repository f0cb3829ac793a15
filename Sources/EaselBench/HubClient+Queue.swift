import AsyncHTTPClient
import EaselBenchKit
import Foundation
import NIOCore

extension HubClient {
    /// `GET path` on the server; throws unless it answers 200. Returns the body.
    func get(_ path: String) async throws -> ByteBuffer {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else { throw HubError(description: "\(path) answered \(response.status)") }
        return body
    }

    /// The counters the queue scenario reads from `/metrics`: jobs finished (by outcome) and the queue depth.
    func queueCounters() async throws -> QueueCounters {
        let text = String(buffer: try await get("/metrics"))
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
            PrometheusText.sum(name, in: text, matching: labels) ?? 0
        }
        return QueueCounters(
            completed: value("easel_jobs_finished_total", ["status": "completed"]),
            failed: value("easel_jobs_finished_total", ["status": "failed"]),
            queueDepth: value("easel_queue_depth"))
    }
}

/// A reading of the server's job counters.
struct QueueCounters {
    var completed: Double
    var failed: Double
    var queueDepth: Double
}
