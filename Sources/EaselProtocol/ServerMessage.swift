import DynamicJSON
import EaselCore
import Foundation

/// Every message the server sends on the progress socket. The envelope `{type, timestamp, data}` and the data keys
/// are the origin system's, so its clients work unchanged; every key is present, `null` when it has no value.
/// Easel adds `seq` to job events, and the message types `unsubscription_confirmed`, `pong` and `error`.
public enum ServerMessage: Sendable, Equatable {
    case connected(connectionID: String, epoch: String)
    /// `recovered` is present only when the subscribe asked to resume (`since`): per job, whether exactly the
    /// missed events follow (true) or a snapshot of the current state (false).
    /// `metricsInterval` is present when the connection receives `metrics_update`s after this subscribe: its interval.
    case subscriptionConfirmed(jobIDs: [String]?, recovered: [String: Bool]?, metricsInterval: Double? = nil)
    case unsubscriptionConfirmed(jobIDs: [String]?)
    case pong(echo: JSONValue?)
    case error(ProtocolError)
    case job(JobEvent)
    /// The whole queue was paused or resumed (`POST generation/queue/pause|resume`); sent to every socket.
    case queuePaused, queueResumed
    /// One backend was drained or put back in dispatch; sent to every socket.
    case backendDrained(backendID: String, url: String), backendResumed(backendID: String, url: String)
    /// The live figures, to metrics subscribers.
    case metricsUpdate(MetricsSnapshot)
    /// The reply to a queue request (`ServerMessage+Queue.swift`).
    case reply(QueueReply)
    /// `batch_progress` or `batch_complete`.
    case batch(BatchReport)

    /// The `type` field.
    public var type: String {
        switch self {
        case .connected: "connected"
        case .subscriptionConfirmed: "subscription_confirmed"
        case .unsubscriptionConfirmed: "unsubscription_confirmed"
        case .pong: "pong"
        case .error: "error"
        case .queuePaused: "queue_paused"
        case .queueResumed: "queue_resumed"
        case .backendDrained: "backend_drained"
        case .backendResumed: "backend_resumed"
        case .metricsUpdate: "metrics_update"
        case .reply(let reply): reply.type
        case .batch(let report): report.type
        case .job(let event):
            switch event.kind {
            case .started: "generation_started"
            case .progress: "progress_update"
            case .completed: "generation_complete"
            }
        }
    }

    /// True for progress updates, which a slow connection may coalesce (only the latest matters).
    public var isCoalescable: Bool {
        if case .job(let event) = self, case .progress = event.kind { return true }
        return false
    }

    /// The whole frame, as UTF-8 JSON text.
    public func encoded(at date: Date = Date()) -> String {
        let timestamp: Date
        if case .job(let event) = self { timestamp = event.timestamp } else { timestamp = date }
        let envelope = Envelope(type: type, timestamp: WireTimestamp.string(from: timestamp), data: MessageData(message: self))
        let data = (try? Self.encoder.encode(envelope)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

private struct Envelope: Encodable {
    let type: String
    let timestamp: String
    let data: MessageData
}

/// Encodes the `data` object of each message type with all of its keys.
private struct MessageData: Encodable {
    let message: ServerMessage

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        if case .metricsUpdate(let snapshot) = message { return try snapshot.encode(to: encoder) }
        var data = encoder.container(keyedBy: Key.self)
        switch message {
        case .connected(let connectionID, let epoch):
            try data.encode(connectionID, forKey: Key("connection_id"))
            try data.encode("Connected to progress monitoring", forKey: Key("message"))
            try data.encode(epoch, forKey: Key("epoch"))
        case .subscriptionConfirmed(let jobIDs, let recovered, let metricsInterval):
            try data.encode(jobIDs, forKey: Key("job_ids"))
            if let recovered { try data.encode(recovered, forKey: Key("recovered")) }
            if let metricsInterval { try data.encode(metricsInterval, forKey: Key("metrics_interval")) }
        case .queuePaused, .queueResumed:
            try data.encode(message == .queuePaused, forKey: Key("paused"))
        case .backendDrained(let backendID, let url), .backendResumed(let backendID, let url):
            try data.encode(backendID, forKey: Key("backend_id"))
            try data.encode(url, forKey: Key("url"))
            try data.encode(message == .backendDrained(backendID: backendID, url: url), forKey: Key("draining"))
        case .metricsUpdate:
            break
        case .unsubscriptionConfirmed(let jobIDs):
            try data.encode(jobIDs, forKey: Key("job_ids"))
        case .pong(let echo):
            try data.encode(echo, forKey: Key("echo"))
        case .error(let error):
            try data.encode(error.code.rawValue, forKey: Key("code"))
            try data.encode(error.message, forKey: Key("message"))
            try data.encode(error.requestType, forKey: Key("request_type"))
            if let requestID = error.requestID { try data.encode(requestID, forKey: Key("request_id")) }
        case .reply(let reply):
            for (key, value) in reply.fields { try data.encode(value, forKey: Key(key)) }
        case .batch(let report):
            for (key, value) in report.fields { try data.encode(value, forKey: Key(key)) }
        case .job(let event):
            try data.encode(event.jobID.rawValue, forKey: Key("job_id"))
            try data.encode(event.seq, forKey: Key("seq"))
            try encode(event.kind, into: &data)
            if case .progress(let progress) = event.kind, let retry = progress.retry {
                try RetryFields(retry, at: event.timestamp).encode(to: encoder)
            }
        }
    }

    private func encode(_ kind: JobEventKind, into data: inout KeyedEncodingContainer<Key>) throws {
        switch kind {
        case .started(let parameters):
            try data.encode(parameters, forKey: Key("params"))
            try data.encode(Double?.none, forKey: Key("estimated_duration"))
        case .progress(let progress):
            try data.encode(progress.fraction, forKey: Key("progress"))
            try data.encode(progress.wireStatus, forKey: Key("status"))
            try data.encode(progress.currentStep, forKey: Key("current_step"))
            try data.encode(progress.totalSteps, forKey: Key("total_steps"))
            try data.encode(progress.etaSeconds.map { ($0 * 100).rounded() / 100 }, forKey: Key("eta_seconds"))
            try data.encode(progress.previewImage, forKey: Key("preview_image"))
            try data.encode(progress.errorMessage, forKey: Key("error_message"))
            try data.encode(progress.queuePosition, forKey: Key("queue_position"))
        case .completed(let completion):
            try data.encode(completion.status.rawValue, forKey: Key("status"))
            try data.encode(completion.images.isEmpty ? nil : completion.images, forKey: Key("images"))
            try data.encode(completion.outputs.map { $0.map(OutputData.init) }, forKey: Key("outputs"))
            try data.encode(completion.errorMessage, forKey: Key("error_message"))
            try data.encode(completion.errorCode, forKey: Key("error_code"))
            try data.encode(completion.totalDuration.map { ($0 * 1000).rounded() / 1000 }, forKey: Key("total_duration"))
            try data.encode(completion.generationInfo, forKey: Key("generation_info"))
        }
    }
}

/// One marked entry of `generation_complete`'s `outputs`.
struct OutputData: Codable {
    let kind: String
    let url: String

    init(_ output: JobCompletion.Output) {
        kind = output.kind.rawValue
        url = output.url
    }
}
