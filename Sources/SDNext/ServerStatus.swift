import DynamicJSON
/// One answer of `GET /sdapi/v1/status` (SD.Next only).
///
/// `status` is sticky: after an interrupt it keeps reading `"interrupted"` until the next job starts, and
/// `queued` never counts API requests waiting for the generation lock. Numbers are per stage.
public struct ServerStatus: Sendable, Decodable, Equatable {
    /// "idle", "running", "paused", "interrupted" or "skipped".
    public let status: String
    /// The current stage name (`state.job`).
    public let task: String
    public let timestamp: String?
    public let current: String
    public let id: ProgressSnapshot.StageID
    public let job: Int
    public let jobs: Int
    /// How many stages have begun since the server started.
    public let total: Int
    public let step: Int
    public let steps: Int
    public let queued: Int
    public let uptime: Int
    public let elapsed: Double?
    public let eta: Double?
    public let progress: Double?

    init(json: JSONValue) {
        status = json["status"]?.stringValue ?? ""
        task = json["task"]?.stringValue ?? ""
        timestamp = json["timestamp"]?.stringValue
        current = json["current"]?.stringValue ?? ""
        id = ProgressSnapshot.StageID(json: json["id"])
        job = json["job"]?.intValue ?? 0
        jobs = json["jobs"]?.intValue ?? 0
        total = json["total"]?.intValue ?? 0
        step = json["step"]?.intValue ?? 0
        steps = json["steps"]?.intValue ?? 0
        queued = json["queued"]?.intValue ?? 0
        uptime = json["uptime"]?.intValue ?? 0
        elapsed = json["elapsed"]?.doubleValue
        eta = json["eta"]?.doubleValue
        progress = json["progress"]?.doubleValue
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    /// True when a stage holds the server (another client's job, when none of ours is outstanding).
    public var isBusy: Bool {
        status == "running" || !task.isEmpty
    }
}
