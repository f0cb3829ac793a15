import DynamicJSON
import EaselCore
import Foundation

/// A request that acts on the queue, with the client's `request_id` (echoed in its reply, or in the `error` reply).
public struct QueueRequest: Sendable, Equatable {
    public var requestID: String?
    public var operation: QueueOperation

    public init(requestID: String?, operation: QueueOperation) {
        self.requestID = requestID
        self.operation = operation
    }
}

/// What a queue request asks for. Submit bodies stay JSON here: the server reads them with the REST routes' parser.
public enum QueueOperation: Sendable, Equatable {
    /// `submit`: the message's fields (`job`: the REST body; `priority`, `return_format`).
    case submit([String: JSONValue])
    /// `submit_batch`: the message's fields (`jobs`, or `base` + `vary`; `priority`, `return_format`).
    case submitBatch([String: JSONValue])
    /// `cancel`: the jobs named, or every active job of the batch; both: the jobs, which must be of the batch.
    case cancel(jobIDs: [JobID], batchID: BatchID?)
    case reprioritize(jobIDs: [JobID], priority: Int)
    case move(JobID, to: QueuePlace)

    /// The message `type` of the request.
    public var type: String {
        switch self {
        case .submit: "submit"
        case .submitBatch: "submit_batch"
        case .cancel: "cancel"
        case .reprioritize: "reprioritize"
        case .move: "move"
        }
    }
}

extension ClientMessage {
    static let queueRequestTypes: Set<String> = ["submit", "submit_batch", "cancel", "reprioritize", "move"]

    /// Parses a queue request (its `type` is one of `queueRequestTypes`); every error carries the `request_id`.
    static func parseQueueRequest(type: String, _ fields: [String: JSONValue]) -> Result<ClientMessage, ProtocolError> {
        var requestID: String?
        switch fields["request_id"] {
        case nil, .null?: break
        case .string(let text)? where (1...128).contains(text.count): requestID = text
        default:
            return .failure(ProtocolError(.invalidRequest, "request_id must be a string of 1 to 128 characters", requestType: type))
        }
        func failure(_ message: String) -> Result<ClientMessage, ProtocolError> {
            .failure(ProtocolError(.invalidRequest, message, requestType: type, requestID: requestID))
        }
        var body = fields
        body["type"] = nil
        body["request_id"] = nil
        let operation: QueueOperation
        switch type {
        case "submit":
            guard case .object? = fields["job"] else { return failure("job: must be a JSON object (the REST submit body)") }
            operation = .submit(body)
        case "submit_batch":
            operation = .submitBatch(body)
        case "cancel":
            let batch = fields["batch_id"].flatMap { value -> BatchID?? in
                if case .null = value { return .some(nil) }
                guard case .string(let text) = value else { return nil }
                return BatchID(validating: text).map { .some($0) }
            }
            guard let batchID = batch ?? .some(nil) else { return failure("batch_id: must be a batch id string") }
            guard let ids = jobIDs(fields["job_ids"], required: batchID == nil) else {
                return failure("job_ids: must be a non-empty list of job id strings (or give batch_id)")
            }
            operation = .cancel(jobIDs: ids, batchID: batchID)
        case "reprioritize":
            guard let ids = jobIDs(fields["job_ids"], required: true) else {
                return failure("job_ids: must be a non-empty list of job id strings")
            }
            guard case .number(let number)? = fields["priority"], number == number.rounded(), abs(number) <= 100 else {
                return failure("priority: must be an integer between -100 and 100")
            }
            operation = .reprioritize(jobIDs: ids, priority: Int(number))
        default:
            guard case .string(let text)? = fields["job_id"], let id = JobID(validating: text) else {
                return failure("job_id: must be a job id string")
            }
            guard let place = QueuePlace(wire: fields["to"]) else { return failure("to: must be \"top\", \"bottom\" or {\"before\": job id}") }
            operation = .move(id, to: place)
        }
        return .success(.request(QueueRequest(requestID: requestID, operation: operation)))
    }

    /// A list of job ids (duplicates dropped); nil when malformed, or absent or empty while `required`.
    private static func jobIDs(_ value: JSONValue?, required: Bool) -> [JobID]? {
        switch value {
        case nil, .null?:
            return required ? nil : []
        case .array(let items)?:
            var ids: [JobID] = []
            for item in items {
                guard case .string(let text) = item, let id = JobID(validating: text) else { return nil }
                if !ids.contains(id) { ids.append(id) }
            }
            return ids.isEmpty && required ? nil : ids
        default:
            return nil
        }
    }


    /// `batch_ids` of a subscribe: absent or null is none.
    static func batchIDs(_ value: JSONValue?) -> Result<[BatchID], ProtocolError> {
        switch value {
        case nil, .null?:
            return .success([])
        case .array(let items)?:
            var ids: [BatchID] = []
            for item in items {
                guard case .string(let text) = item, let id = BatchID(validating: text) else {
                    return .failure(ProtocolError(.invalidRequest, "batch_ids must be a list of batch id strings", requestType: "subscribe"))
                }
                if !ids.contains(id) { ids.append(id) }
            }
            return .success(ids)
        default:
            return .failure(ProtocolError(.invalidRequest, "batch_ids must be a list of batch id strings", requestType: "subscribe"))
        }
    }
}

extension QueueRequest {
    /// The message's fields as a client sends them (the inverse of the parse).
    var wireFields: [String: JSONValue] {
        var fields: [String: JSONValue]
        func ids(_ jobIDs: [JobID]) -> JSONValue { .array(jobIDs.map { .string($0.rawValue) }) }
        switch operation {
        case .submit(let body), .submitBatch(let body):
            fields = body
        case .cancel(let jobIDs, let batchID):
            fields = ["job_ids": ids(jobIDs)]
            if let batchID { fields["batch_id"] = .string(batchID.rawValue) }
        case .reprioritize(let jobIDs, let priority):
            fields = ["job_ids": ids(jobIDs), "priority": .number(Double(priority))]
        case .move(let id, let place):
            let to: JSONValue = switch place {
            case .top: .string("top")
            case .bottom: .string("bottom")
            case .before(let target): .object(["before": .string(target.rawValue)])
            }
            fields = ["job_id": .string(id.rawValue), "to": to]
        }
        fields["type"] = .string(operation.type)
        if let requestID { fields["request_id"] = .string(requestID) }
        return fields
    }
}

extension QueuePlace {
    /// `to` of a move, over the socket and REST: `"top"`, `"bottom"` or `{"before": job id}`.
    public init?(wire value: JSONValue?) {
        switch value {
        case .string("top")?: self = .top
        case .string("bottom")?: self = .bottom
        case .object(let fields)? where fields.count == 1:
            guard case .string(let text)? = fields["before"], let id = JobID(validating: text) else { return nil }
            self = .before(id)
        default: return nil
        }
    }
}
