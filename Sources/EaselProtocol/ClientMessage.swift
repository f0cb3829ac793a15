import EaselCore
import Foundation
import SDNext

/// Which jobs a subscribe or unsubscribe names: `null` or an absent key means every job, as in the origin.
public enum JobSelection: Sendable, Equatable {
    case allJobs
    case jobs([JobID])

    /// The `job_ids` value to echo in a confirmation.
    public var wireValue: [String]? {
        switch self {
        case .allJobs: nil
        case .jobs(let ids): ids.map(\.rawValue)
        }
    }
}

/// Every message a client may send on the progress socket.
public enum ClientMessage: Sendable, Equatable {
    case subscribe(JobSelection)
    case unsubscribe(JobSelection)
    case ping(echo: JSONValue?)

    /// Parses one text frame, or says precisely what is wrong with it.
    public static func parse(_ text: String) -> Result<ClientMessage, ProtocolError> {
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            return .failure(ProtocolError(.invalidJSON, "Message is not valid JSON"))
        }
        guard case .object(let fields) = object, case .string(let type)? = fields["type"] else {
            return .failure(ProtocolError(.invalidMessage, "Message must be a JSON object with a string \"type\""))
        }
        switch type {
        case "subscribe":
            return selection(fields["job_ids"], requestType: type).map(ClientMessage.subscribe)
        case "unsubscribe":
            return selection(fields["job_ids"], requestType: type).map(ClientMessage.unsubscribe)
        case "ping":
            return .success(.ping(echo: fields["data"]))
        default:
            return .failure(ProtocolError(
                .unknownType, "Unknown message type \"\(type)\"; expected subscribe, unsubscribe or ping", requestType: type))
        }
    }

    private static func selection(_ value: JSONValue?, requestType: String) -> Result<JobSelection, ProtocolError> {
        switch value {
        case nil, .null?:
            return .success(.allJobs)
        case .array(let items)?:
            var ids: [JobID] = []
            for item in items {
                guard case .string(let text) = item, let id = JobID(validating: text) else {
                    return .failure(ProtocolError(
                        .invalidJobIDs, "job_ids must be null or a list of job id strings", requestType: requestType))
                }
                if !ids.contains(id) { ids.append(id) }
            }
            return .success(.jobs(ids))
        default:
            return .failure(ProtocolError(
                .invalidJobIDs, "job_ids must be null or a list of job id strings", requestType: requestType))
        }
    }
}
