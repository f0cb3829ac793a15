import DynamicJSON
import EaselCore
import Foundation

extension ServerMessage {
    /// Reads one frame the server sent back into the type it was written from, so clients (the `easel` CLI,
    /// tests) share the server's vocabulary instead of re-declaring it. Keys the server may leave `null` are
    /// optional; a frame of an unknown type or with a missing required key fails with `invalidMessage`.
    public static func decode(_ text: String) throws -> ServerMessage {
        let data = Data(text.utf8)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch {
            throw ProtocolError(.invalidMessage, "Server message is not a JSON object with a string \"type\"")
        }
        do {
            return try decode(type: envelope.type, timestamp: envelope.timestamp, from: data)
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw ProtocolError(.invalidMessage, "Server message \"\(envelope.type)\" is malformed: \(error)")
        }
    }

    private static func decode(type: String, timestamp: String?, from data: Data) throws -> ServerMessage {
        let decoder = JSONDecoder()
        func payload<Payload: Decodable>(_: Payload.Type) throws -> Payload {
            try decoder.decode(Wrapped<Payload>.self, from: data).data
        }
        func event(_ jobID: String, _ seq: Int, _ kind: JobEventKind) -> ServerMessage {
            let date = timestamp.flatMap(WireTimestamp.date(from:)) ?? Date()
            return .job(JobEvent(jobID: JobID(rawValue: jobID), seq: seq, timestamp: date, kind: kind))
        }
        switch type {
        case "connected":
            let connected = try payload(ConnectedData.self)
            return .connected(connectionID: connected.connectionID, epoch: connected.epoch ?? "")
        case "subscription_confirmed":
            let confirmed = try payload(SelectionData.self)
            return .subscriptionConfirmed(jobIDs: confirmed.jobIDs, recovered: confirmed.recovered, metricsInterval: confirmed.metricsInterval)
        case "unsubscription_confirmed":
            return .unsubscriptionConfirmed(jobIDs: try payload(SelectionData.self).jobIDs)
        case "pong":
            return .pong(echo: try payload(PongData.self).echo)
        case "error":
            let error = try payload(ErrorData.self)
            return .error(ProtocolError(ProtocolError.Code(rawValue: error.code), error.message, requestType: error.requestType))
        case "queue_paused", "queue_resumed", "backend_drained", "backend_resumed", "metrics_update":
            return try decodeQueueState(type: type, from: data)
        case "generation_started":
            let started = try payload(StartedData.self)
            return event(started.jobID, started.seq, .started(started.params))
        case "progress_update":
            let update = try payload(ProgressData.self)
            return event(update.jobID, update.seq, .progress(JobProgressState(
                status: update.status == "retrying" ? .queued : JobStatus(normalizing: update.status),
                fraction: update.progress, currentStep: update.currentStep,
                totalSteps: update.totalSteps, etaSeconds: update.etaSeconds, errorMessage: update.errorMessage,
                previewImage: update.previewImage, loadingModel: update.status == "loading_model",
                queuePosition: update.queuePosition,
                retry: update.status == "retrying" ? RetryFields.decode(fromFrame: data) : nil)))
        case "generation_complete":
            let complete = try payload(CompleteData.self)
            return event(complete.jobID, complete.seq, .completed(JobCompletion(
                status: JobStatus(normalizing: complete.status), images: complete.images ?? [],
                processed: (complete.outputs ?? []).filter { $0.kind == JobCompletion.Output.Kind.processed.rawValue }.map(\.url),
                errorMessage: complete.errorMessage, errorCode: complete.errorCode, totalDuration: complete.totalDuration,
                generationInfo: complete.generationInfo)))
        default:
            throw ProtocolError(.unknownType, "Unknown server message type \"\(type)\"", requestType: type)
        }
    }
}

private struct Envelope: Decodable {
    let type: String
    let timestamp: String?
}

private struct Wrapped<Payload: Decodable>: Decodable {
    let data: Payload
}

private struct ConnectedData: Decodable {
    let connectionID: String
    let epoch: String?
    enum CodingKeys: String, CodingKey { case connectionID = "connection_id", epoch }
}

private struct SelectionData: Decodable {
    let jobIDs: [String]?
    let recovered: [String: Bool]?
    let metricsInterval: Double?
    enum CodingKeys: String, CodingKey { case jobIDs = "job_ids", recovered, metricsInterval = "metrics_interval" }
}

private struct PongData: Decodable {
    let echo: JSONValue?
}

private struct ErrorData: Decodable {
    let code: String
    let message: String
    let requestType: String?
    enum CodingKeys: String, CodingKey { case code, message, requestType = "request_type" }
}

private struct StartedData: Decodable {
    let jobID: String
    let seq: Int
    let params: GenerationParameters
    enum CodingKeys: String, CodingKey { case jobID = "job_id", seq, params }
}

private struct ProgressData: Decodable {
    let jobID: String
    let seq: Int
    let progress: Double
    let status: String
    let currentStep: Int?
    let totalSteps: Int?
    let etaSeconds: Double?
    let errorMessage: String?
    let previewImage: String?
    let queuePosition: Int?
    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", seq, progress, status, currentStep = "current_step", totalSteps = "total_steps"
        case etaSeconds = "eta_seconds", errorMessage = "error_message", previewImage = "preview_image"
        case queuePosition = "queue_position"
    }
}

private struct CompleteData: Decodable {
    let jobID: String
    let seq: Int
    let status: String
    let images: [String]?
    /// Absent from servers older than control jobs.
    let outputs: [OutputData]?
    let errorMessage: String?
    let errorCode: String?
    let totalDuration: Double?
    let generationInfo: JSONValue?
    enum CodingKeys: String, CodingKey {
        case jobID = "job_id", seq, status, images, outputs, errorMessage = "error_message", errorCode = "error_code"
        case totalDuration = "total_duration"
        case generationInfo = "generation_info"
    }
}
