import DynamicJSON
import Foundation

/// How `generation_complete` and the REST API present a job's images.
/// `url` (Easel's default) points at Easel's own image route, so subscribers are not sent megabytes of base64;
/// `base64` and `file_path` keep the origin system's formats for clients that ask for them.
public enum ReturnFormat: String, Sendable, Codable, CaseIterable {
    case url
    case base64
    case filePath = "file_path"
}

/// One image a job produced, kept as a file in the data directory.
public struct StoredImage: Sendable, Equatable, Codable {
    /// Path relative to the image directory, e.g. `<job id>/0.jpg`.
    public var fileName: String
    public var mimeType: String
    public var byteCount: Int

    public init(fileName: String, mimeType: String, byteCount: Int) {
        self.fileName = fileName
        self.mimeType = mimeType
        self.byteCount = byteCount
    }
}

/// What a finished generation left behind.
public struct JobResult: Sendable, Equatable, Codable {
    public var images: [StoredImage]
    /// A control job's preprocessed control maps (edges, depth, pose …), one per unit that ran a preprocessor.
    public var processed: [StoredImage]
    /// SD.Next's `info`, parsed from the JSON string it sends.
    public var generationInfo: JSONValue?
    /// SD.Next's `info` when it is not a JSON document (control's plain text, `""` for an aborted generation), as
    /// sent, for the gateway to answer with; a JSON `info` is `generationInfo`.
    public var infoText: String?

    public init(images: [StoredImage], processed: [StoredImage] = [], generationInfo: JSONValue?, infoText: String? = nil) {
        self.images = images
        self.processed = processed
        self.generationInfo = generationInfo
        self.infoText = infoText
    }

    enum CodingKeys: String, CodingKey { case images, processed, generationInfo, infoText }

    /// A stored result may lack `processed` and `infoText` (jobs of other kinds, results of older versions).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        images = try container.decode([StoredImage].self, forKey: .images)
        processed = try container.decodeIfPresent([StoredImage].self, forKey: .processed) ?? []
        generationInfo = try container.decodeIfPresent(JSONValue.self, forKey: .generationInfo)
        infoText = try container.decodeIfPresent(String.self, forKey: .infoText)
    }
}

/// A queued generation and everything known about it. Rows of the job store hold exactly this.
public struct Job: Sendable, Equatable {
    public var id: JobID
    public var parameters: GenerationParameters
    /// The checkpoint and LoRAs its backend must have, resolved at submit.
    public var requirements: JobRequirements
    public var returnFormat: ReturnFormat
    public var status: JobStatus
    /// Higher runs first; equal priorities run in submit order.
    public var priority: Int
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// How many times a backend has started this job (a restart or lost backend re-queues it).
    public var attempts: Int
    /// The backend that ran (or runs) the job.
    public var backend: String?
    /// Why the job did not complete (failed or cancelled), with a stable code.
    public var failure: JobFailure?
    /// When someone asked to cancel the job while it ran. Kept in the store, so whichever process runs the job
    /// sees the request.
    public var cancelRequestedAt: Date?
    public var result: JobResult?
    /// Where this job's webhook events go (the submit's `callback_url`), beside the server-wide ones.
    public var callbackURL: String?
    /// Run time an attempt may take on its backend before it is interrupted and the job fails `timeout` (the submit's
    /// `timeout_seconds`, or the server's default); nil: no deadline.
    public var timeoutSeconds: Double?
    /// A job re-queued after a transient failure is not claimed before this (its backoff); nil: at once.
    public var notBefore: Date?
    /// The backends whose attempts failed transiently, oldest first: dispatch leaves the job to another free backend.
    public var failedBackends: [String]
    /// The batch it was submitted with, if any.
    public var batchID: BatchID?
    /// Its place among queued jobs of the same priority (lower runs first): the submit time in seconds since 1970,
    /// until `move` changes it, so `createdAt` keeps meaning "submitted at".
    public var queueOrder: Double

    public init(
        id: JobID = .make(),
        parameters: GenerationParameters,
        requirements: JobRequirements = .none,
        returnFormat: ReturnFormat = .url,
        status: JobStatus = .queued,
        priority: Int = 0,
        createdAt: Date = Date(),
        startedAt: Date? = nil,
        finishedAt: Date? = nil,
        attempts: Int = 0,
        backend: String? = nil,
        failure: JobFailure? = nil,
        cancelRequestedAt: Date? = nil,
        result: JobResult? = nil,
        callbackURL: String? = nil,
        timeoutSeconds: Double? = nil,
        notBefore: Date? = nil,
        failedBackends: [String] = [],
        batchID: BatchID? = nil,
        queueOrder: Double? = nil
    ) {
        self.id = id
        self.parameters = parameters
        self.requirements = requirements
        self.returnFormat = returnFormat
        self.status = status
        self.priority = priority
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.attempts = attempts
        self.backend = backend
        self.failure = failure
        self.cancelRequestedAt = cancelRequestedAt
        self.result = result
        self.callbackURL = callbackURL
        self.timeoutSeconds = timeoutSeconds
        self.notBefore = notBefore
        self.failedBackends = failedBackends
        self.batchID = batchID
        self.queueOrder = queueOrder ?? createdAt.timeIntervalSince1970
    }

    /// The human reason the job did not complete.
    public var error: String? { failure?.message }

    /// Seconds from start to finish, when both are known.
    public var duration: Double? {
        guard let startedAt, let finishedAt else { return nil }
        return finishedAt.timeIntervalSince(startedAt)
    }
}
