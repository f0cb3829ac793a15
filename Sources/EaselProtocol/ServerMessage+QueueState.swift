import Foundation

extension ServerMessage {
    /// Reads the messages about the queue as a whole: its pause state, drained backends and the live metrics.
    static func decodeQueueState(type: String, from data: Data) throws -> ServerMessage {
        let decoder = JSONDecoder()
        switch type {
        case "queue_paused": return .queuePaused
        case "queue_resumed": return .queueResumed
        case "backend_drained", "backend_resumed":
            let backend = try decoder.decode(QueueStateEnvelope<BackendData>.self, from: data).data
            return type == "backend_drained"
                ? .backendDrained(backendID: backend.backendID, url: backend.url)
                : .backendResumed(backendID: backend.backendID, url: backend.url)
        default:
            return .metricsUpdate(try decoder.decode(QueueStateEnvelope<MetricsSnapshot>.self, from: data).data)
        }
    }
}

private struct QueueStateEnvelope<Payload: Decodable>: Decodable {
    let data: Payload
}

private struct BackendData: Decodable {
    let backendID: String
    let url: String
    enum CodingKeys: String, CodingKey { case backendID = "backend_id", url }
}
