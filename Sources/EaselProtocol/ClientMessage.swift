import DynamicJSON
import EaselCore
import Foundation

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

/// A `subscribe` request.
public struct Subscription: Sendable, Equatable {
    /// nil when the subscribe names no jobs: it only turns metrics on or off (`metrics` given, `job_ids` absent).
    public var selection: JobSelection?
    /// Present when a reconnecting client asks for what it missed.
    public var resume: ResumePosition?
    /// The origin's `include_previews`: this connection wants `preview_image` filled in `progress_update`.
    public var includePreviews: Bool
    /// `preview_rate`: at most this many previews a second on this connection (the server's cap still applies).
    public var previewRate: Double?
    /// `preview_max_bytes`: a progress update bigger than this with its preview goes without it.
    public var previewMaxBytes: Int?
    /// Batches followed: their jobs' events, `batch_progress` and `batch_complete`.
    public var batchIDs: [BatchID]
    /// Present when the subscribe says `metrics`: start (or stop) this connection's `metrics_update`s.
    public var metrics: MetricsRequest?

    public init(
        _ selection: JobSelection?, resume: ResumePosition? = nil, includePreviews: Bool = false,
        previewRate: Double? = nil, previewMaxBytes: Int? = nil, metrics: MetricsRequest? = nil,
        batchIDs: [BatchID] = []
    ) {
        self.selection = selection
        self.resume = resume
        self.includePreviews = includePreviews
        self.previewRate = previewRate
        self.previewMaxBytes = previewMaxBytes
        self.metrics = metrics
        self.batchIDs = batchIDs
    }
}

/// Every message a client may send on the progress socket.
public enum ClientMessage: Sendable, Equatable {
    case subscribe(Subscription)
    case unsubscribe(JobSelection)
    case ping(echo: JSONValue?)
    /// `unsubscribe` with `"metrics": true`: no more `metrics_update`s.
    case unsubscribeMetrics
    /// submit, submit_batch, cancel, reprioritize, move (`ClientMessage+Requests.swift`).
    case request(QueueRequest)

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
            // Batches alone (no `job_ids`) subscribe to no single job, not to every job.
            let jobIDs = fields["job_ids"] == nil && fields["batch_ids"] != nil ? JSONValue.array([]) : fields["job_ids"]
            return selection(jobIDs, requestType: type).flatMap { selection in
                resume(since: fields["since"], epoch: fields["epoch"]).flatMap { resume in
                    includePreviews(fields["include_previews"]).flatMap { previews in
                        previewLimits(rate: fields["preview_rate"], maxBytes: fields["preview_max_bytes"]).flatMap { limits in
                            metricsRequest(fields).flatMap { metrics in
                                batchIDs(fields["batch_ids"]).map { batches -> ClientMessage in
                                    // `metrics` alone subscribes to no job: only an explicit `job_ids: null` means all.
                                    let jobs = metrics != nil && fields["job_ids"] == nil ? nil : selection
                                    return .subscribe(Subscription(
                                        jobs, resume: resume, includePreviews: previews, previewRate: limits.rate,
                                        previewMaxBytes: limits.maxBytes, metrics: metrics, batchIDs: batches))
                                }
                            }
                        }
                    }
                }
            }
        case _ where queueRequestTypes.contains(type):
            return parseQueueRequest(type: type, fields)
        case "unsubscribe":
            if let metrics = metricsUnsubscription(fields) { return metrics }
            return selection(fields["job_ids"], requestType: type).map(ClientMessage.unsubscribe)
        case "ping":
            return .success(.ping(echo: fields["data"]))
        default:
            return .failure(ProtocolError(
                .unknownType, "Unknown message type \"\(type)\"; expected subscribe, unsubscribe, ping, submit, submit_batch, cancel, reprioritize or move", requestType: type))
        }
    }

    /// Lax like the origin's pydantic bool: true/false, 1/0, "true"/"false"/"yes"/"no"/"1"/"0".
    private static func includePreviews(_ value: JSONValue?) -> Result<Bool, ProtocolError> {
        switch value {
        case nil, .null?: return .success(false)
        case .bool(let flag)?: return .success(flag)
        case .number(let number)? where number == 0 || number == 1: return .success(number == 1)
        case .string(let text)? where ["true", "yes", "1", "on"].contains(text.lowercased()): return .success(true)
        case .string(let text)? where ["false", "no", "0", "off"].contains(text.lowercased()): return .success(false)
        default:
            return .failure(ProtocolError(.invalidMessage, "include_previews must be true or false", requestType: "subscribe"))
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
