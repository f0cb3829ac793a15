import DynamicJSON
/// One answer of `GET /sdapi/v1/progress`: the state of whatever *stage* holds SD.Next's lock right now.
///
/// Since SD.Next 2025-09-15 every processing stage (`API-TXT`, `Process`, `Base`, `Inference`, `VAE Decode`, ...)
/// resets the state, so `progress` runs 0→1 per stage, drops back between stages and iterations, and reads
/// 1.0 just after sampling. It describes the server, not a request. Use `ProgressTracker` to turn a run of
/// snapshots into one job's progress. Decoding is lenient: missing or odd fields take neutral defaults.
public struct ProgressSnapshot: Sendable, Decodable, Equatable {
    /// The stage identifier: `0` before the first job, a 15-hex string during a stage.
    public enum StageID: Sendable, Equatable, Hashable {
        case number(Int)
        case text(String)
        /// Between stages or idle (`""`), or absent (older servers, A1111).
        case none

        init(json: JSONValue?) {
            switch json {
            case .number(let value)?:
                self = JSONValue.number(value).intValue.map(StageID.number) ?? .none
            case .string(let text)? where !text.isEmpty:
                self = .text(text)
            default:
                self = .none
            }
        }
    }

    /// SD.Next's `state` object.
    public struct State: Sendable, Decodable, Equatable {
        public let skipped: Bool
        public let interrupted: Bool
        /// The stage name, such as `"Inference"`; `""` between stages and when idle.
        public let job: String
        public let jobCount: Int
        public let jobNo: Int
        public let samplingStep: Int
        public let samplingSteps: Int
        /// `YYYYMMDDhhmmss` of the current stage's start; `"0"` before the first job.
        public let jobTimestamp: String

        public init(
            skipped: Bool = false,
            interrupted: Bool = false,
            job: String = "",
            jobCount: Int = 0,
            jobNo: Int = 0,
            samplingStep: Int = 0,
            samplingSteps: Int = 0,
            jobTimestamp: String = "0"
        ) {
            self.skipped = skipped
            self.interrupted = interrupted
            self.job = job
            self.jobCount = jobCount
            self.jobNo = jobNo
            self.samplingStep = samplingStep
            self.samplingSteps = samplingSteps
            self.jobTimestamp = jobTimestamp
        }

        init(json: JSONValue?) {
            self.init(
                skipped: json?["skipped"]?.boolValue ?? false,
                interrupted: json?["interrupted"]?.boolValue ?? false,
                job: json?["job"]?.stringValue ?? "",
                jobCount: json?["job_count"]?.intValue ?? 0,
                jobNo: json?["job_no"]?.intValue ?? 0,
                samplingStep: json?["sampling_step"]?.intValue ?? 0,
                samplingSteps: json?["sampling_steps"]?.intValue ?? 0,
                jobTimestamp: json?["job_timestamp"]?.stringValue
                    ?? json?["job_timestamp"]?.intValue.map(String.init) ?? "0"
            )
        }

        public init(from decoder: any Decoder) throws {
            self.init(json: try JSONValue(from: decoder))
        }
    }

    public let id: StageID
    /// Progress of the current stage, 0...1.
    public let progress: Double
    /// SD.Next's estimate of the seconds left in the current stage.
    public let etaRelative: Double
    public let state: State
    /// Base64 preview (JPEG by default), only while sampling and only when not skipped.
    public let currentImage: String?
    public let textinfo: String?

    public init(
        id: StageID = .none,
        progress: Double = 0,
        etaRelative: Double = 0,
        state: State = State(),
        currentImage: String? = nil,
        textinfo: String? = nil
    ) {
        self.id = id
        self.progress = progress
        self.etaRelative = etaRelative
        self.state = state
        self.currentImage = currentImage
        self.textinfo = textinfo
    }

    init(json: JSONValue) {
        self.init(
            id: StageID(json: json["id"]),
            progress: json["progress"]?.doubleValue ?? 0,
            etaRelative: json["eta_relative"]?.doubleValue ?? 0,
            state: State(json: json["state"]),
            currentImage: json["current_image"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            textinfo: json["textinfo"]?.stringValue
        )
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    /// True while a sampling pass is running (the stage where nearly all the time goes).
    public var isSampling: Bool {
        state.job == "Inference"
    }
}
