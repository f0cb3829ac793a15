import AsyncHTTPClient
import Foundation
import NIOCore

/// The few REST calls the benchmark makes to the server: queue a job, read the socket statistics (and, in
/// HubClient+Queue.swift, the queue scenario's GETs).
struct HubClient: Sendable {
    let port: Int

    private var base: String { "http://127.0.0.1:\(port)/api/v1" }

    /// Queues a small txt2img job and returns its id; `extra` adds body keys (`,"model":"x"`).
    func queueJob(steps: Int, label: String, extra: String = "") async throws -> String {
        var request = HTTPClientRequest(url: "\(base)/generation/queue-generation")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"prompt":"bench \#(label)","steps":\#(steps),"width":64,"height":64\#(extra)}"#))
        let body = try await send(request)
        guard let id = body["delivery_id"] as? String else { throw HubError(description: "queue-generation answered \(body)") }
        return id
    }

    /// `GET /api/v1/ws/stats`: open connections and jobs with per-job subscribers.
    func socketStats() async throws -> (connections: Int, subscribedJobs: Int) {
        let body = try await send(HTTPClientRequest(url: "\(base)/ws/stats"))
        return (Self.integer(body["connections"]) ?? -1, Self.integer(body["subscribed_jobs"]) ?? -1)
    }

    private static func integer(_ value: Any?) -> Int? {
        if let value = value as? Int { return value }
        if let value = value as? Double { return Int(value) }
        return (value as? NSNumber)?.intValue
    }

    private func send(_ request: HTTPClientRequest) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
              let object = try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]
        else { throw HubError(description: "\(request.url) answered \(response.status)") }
        return object
    }
}

struct HubError: Error, CustomStringConvertible {
    let description: String
}
