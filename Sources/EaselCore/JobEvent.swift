import Foundation
import SDNext

/// A job's progress as subscribers see it. `fraction` never decreases while the job runs.
public struct JobProgressState: Sendable, Equatable {
    public var status: JobStatus
    public var fraction: Double
    public var currentStep: Int?
    public var totalSteps: Int?
    public var etaSeconds: Double?
    public var errorMessage: String?

    public init(
        status: JobStatus,
        fraction: Double,
        currentStep: Int? = nil,
        totalSteps: Int? = nil,
        etaSeconds: Double? = nil,
        errorMessage: String? = nil
    ) {
        self.status = status
        self.fraction = fraction
        self.currentStep = currentStep
        self.totalSteps = totalSteps
        self.etaSeconds = etaSeconds
        self.errorMessage = errorMessage
    }
}

/// The outcome announced once per job by `generation_complete`, with images already in the job's return format.
public struct JobCompletion: Sendable, Equatable {
    public var status: JobStatus
    public var images: [String]
    public var errorMessage: String?
    public var totalDuration: Double?
    public var generationInfo: JSONValue?

    public init(status: JobStatus, images: [String], errorMessage: String?, totalDuration: Double?, generationInfo: JSONValue?) {
        self.status = status
        self.images = images
        self.errorMessage = errorMessage
        self.totalDuration = totalDuration
        self.generationInfo = generationInfo
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
}
