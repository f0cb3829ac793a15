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

/// A reconnecting client's position in each job's event stream: resume sends what it missed after `seq`.
public struct ResumePosition: Sendable, Equatable {
    /// The `epoch` of the server the positions came from (sent in `connected`); positions from another epoch
    /// cannot be trusted. nil accepts the current epoch.
    public var epoch: String?
    /// Last `seq` seen, per job.
    public var since: [JobID: Int]

    public init(epoch: String?, since: [JobID: Int]) {
        self.epoch = epoch
        self.since = since
    }
}

/// Every message a client may send on the progress socket.
public enum ClientMessage: Sendable, Equatable {
    case subscribe(JobSelection, resume: ResumePosition?)
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
            return selection(fields["job_ids"], requestType: type).flatMap { selection in
                resume(since: fields["since"], epoch: fields["epoch"]).map { .subscribe(selection, resume: $0) }
            }
        case "unsubscribe":
            return selection(fields["job_ids"], requestType: type).map(ClientMessage.unsubscribe)
        case "ping":
            return .success(.ping(echo: fields["data"]))
        default:
            return .failure(ProtocolError(
                .unknownType, "Unknown message type \"\(type)\"; expected subscribe, unsubscribe or ping", requestType: type))
        }
    }

    private static func resume(since: JSONValue?, epoch: JSONValue?) -> Result<ResumePosition?, ProtocolError> {
        let epochText: String?
        switch epoch {
        case nil, .null?: epochText = nil
        case .string(let text)?: epochText = text
        default:
            return .failure(ProtocolError(.invalidSince, "epoch must be a string", requestType: "subscribe"))
        }
        switch since {
        case nil, .null?:
            return .success(nil)
        case .object(let entries)?:
            var positions: [JobID: Int] = [:]
            for (key, value) in entries {
                guard let id = JobID(validating: key), case .number(let number) = value,
                      number >= 0, number == number.rounded(), number < 1e15
                else {
                    return .failure(ProtocolError(
                        .invalidSince, "since must map job ids to the last seq seen (an integer ≥ 0)", requestType: "subscribe"))
                }
                positions[id] = Int(number)
            }
            return .success(ResumePosition(epoch: epochText, since: positions))
        default:
            return .failure(ProtocolError(
                .invalidSince, "since must map job ids to the last seq seen (an integer ≥ 0)", requestType: "subscribe"))
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
