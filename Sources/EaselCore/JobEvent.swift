import DynamicJSON
import Foundation

/// A job's progress as subscribers see it. `fraction` never decreases while the job runs.
public struct JobProgressState: Sendable, Equatable {
    public var status: JobStatus
    public var fraction: Double
    public var currentStep: Int?
    public var totalSteps: Int?
    public var etaSeconds: Double?
    public var errorMessage: String?
    /// SD.Next's live preview (base64, as SD.Next encoded it), only polled while someone asked for previews.
    public var previewImage: String?
    /// The backend is loading the job's model before it generates: `progress_update` then says `loading_model`.
    public var loadingModel: Bool
    /// A queued job's place in line among the jobs that can run on the same backends (1 = next); then
    /// `etaSeconds` is the expected wait until it starts (`QueueForecast`).
    public var queuePosition: Int?
    /// Set on the update of a job re-queued after a transient failure: `progress_update` then says `retrying`.
    public var retry: RetryNotice?

    public init(
        status: JobStatus,
        fraction: Double,
        currentStep: Int? = nil,
        totalSteps: Int? = nil,
        etaSeconds: Double? = nil,
        errorMessage: String? = nil,
        previewImage: String? = nil,
        loadingModel: Bool = false,
        queuePosition: Int? = nil,
        retry: RetryNotice? = nil
    ) {
        self.status = status
        self.fraction = fraction
        self.currentStep = currentStep
        self.totalSteps = totalSteps
        self.etaSeconds = etaSeconds
        self.errorMessage = errorMessage
        self.previewImage = previewImage
        self.loadingModel = loadingModel
        self.queuePosition = queuePosition
        self.retry = retry
    }

    /// The `status` word a `progress_update` carries: the job's status, or `loading_model` while a processing job's
    /// backend loads its model (clients that know only the origin's words read it as processing), or `retrying` while
    /// a job waits for its next attempt.
    public var wireStatus: String {
        if retry != nil { return "retrying" }
        return loadingModel && status == .processing ? "loading_model" : status.rawValue
    }
}

/// The outcome announced once per job by `generation_complete`, with images already in the job's return format.
public struct JobCompletion: Sendable, Equatable {
    public var status: JobStatus
    public var images: [String]
    /// A control job's processed control maps, in the same format as `images`.
    public var processed: [String]
    public var errorMessage: String?
    /// The stable `JobFailure.Code` of a job that did not complete.
    public var errorCode: String?
    public var totalDuration: Double?
    public var generationInfo: JSONValue?

    public init(
        status: JobStatus, images: [String], processed: [String] = [], errorMessage: String?, errorCode: String? = nil,
        totalDuration: Double?, generationInfo: JSONValue?
    ) {
        self.status = status
        self.images = images
        self.processed = processed
        self.errorMessage = errorMessage
        self.errorCode = errorCode
        self.totalDuration = totalDuration
        self.generationInfo = generationInfo
    }
}

extension JobCompletion {
    /// One image of the job, marked with what it is.
    public struct Output: Sendable, Equatable {
        public enum Kind: String, Sendable { case image, processed }
        public var kind: Kind
        /// The image in the job's return format (a URL, base64 or a path).
        public var url: String
    }

    /// The images then the processed maps, each marked; nil when there are none (as `images` is null then).
    public var outputs: [Output]? {
        let all = images.map { Output(kind: .image, url: $0) } + processed.map { Output(kind: .processed, url: $0) }
        return all.isEmpty ? nil : all
    }
}

/// Something that happened to one job, in the order it happened.
public enum JobEventKind: Sendable, Equatable {
    case started(GenerationParameters)
    case progress(JobProgressState)
    case completed(JobCompletion)
}

/// An event with its place in the job's history: `seq` counts from 1 per job, so a subscriber can tell
/// whether it missed anything.
public struct JobEvent: Sendable, Equatable {
    public let jobID: JobID
    public let seq: Int
    public let timestamp: Date
    public let kind: JobEventKind

    public init(jobID: JobID, seq: Int, timestamp: Date, kind: JobEventKind) {
        self.jobID = jobID
        self.seq = seq
        self.timestamp = timestamp
        self.kind = kind
    }

    /// True for a progress event carrying a preview image.
    public var hasPreview: Bool {
        if case .progress(let progress) = kind { return progress.previewImage != nil }
        return false
    }

    /// The same event without its preview image, for subscribers that did not ask for previews.
    public var withoutPreview: JobEvent {
        guard case .progress(var progress) = kind, progress.previewImage != nil else { return self }
        progress.previewImage = nil
        return JobEvent(jobID: jobID, seq: seq, timestamp: timestamp, kind: .progress(progress))
    }
}

/// Whether anyone currently wants live previews of a job; the job's monitor asks before each poll, so SD.Next
/// only encodes previews that somebody will see.
public typealias PreviewDemand = @Sendable (JobID) -> Bool
