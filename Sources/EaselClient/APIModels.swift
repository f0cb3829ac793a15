import Foundation

// What the client reads from Easel's REST answers: only the fields the tools show, decoded leniently (every
// optional field may be null or absent) so a newer server with more keys never breaks an older client.

/// One entry of `GET /api/v1/generation/jobs/active`; `progress` is a percentage there (0...100).
public struct ActiveJob: Sendable, Equatable, Decodable {
    public let id: String
    public let prompt: String
    public let status: String
    public let progress: Double?
    public let currentStep: Int?
    public let totalSteps: Int?
    public let etaSeconds: Double?
    public let createdAt: String?
    public let error: String?
}

/// One entry of `GET /api/v1/generation/results`: a finished job and its image addresses.
public struct ResultSummary: Sendable, Equatable, Decodable {
    public let id: String
    public let prompt: String
    public let status: String
    public let steps: Int?
    public let createdAt: String?
    public let finishedAt: String?
    public let imageUrls: [String]?
}

/// The `delivery` object of `GET /api/v1/generation/jobs/{id}`.
public struct JobDetail: Sendable, Equatable, Decodable {
    public struct Outcome: Sendable, Equatable, Decodable {
        public let status: String?
        public let images: [String]?
        public let errorMessage: String?
    }

    public let id: String
    public let prompt: String
    public let status: String
    public let createdAt: String?
    public let finishedAt: String?
    public let error: String?
    public let result: Outcome?
}

/// One entry of `GET /api/v1/generation/backends`.
public struct BackendInfo: Sendable, Equatable, Decodable {
    public let url: String
    public let healthy: Bool?
    public let currentJob: String?
    public let completedJobs: Int?
    public let lastError: String?
}

/// `GET /api/v1/generation/backends`: whether any SD.Next backend is healthy, and each one's state.
public struct BackendReport: Sendable, Equatable, Decodable {
    public let sdnext: Bool
    public let backends: [BackendInfo]
}

/// The JSON error bodies Easel sends; `title` is the whole message (for a 422, `field: problem`).
struct ProblemBody: Decodable {
    let title: String?
}

struct JobEnvelope: Decodable {
    let delivery: JobDetail
}

struct QueuedJob: Decodable {
    let deliveryId: String
}

struct CancelAnswer: Decodable {
    let message: String?
    let status: String?
}
