/// The life of a job. The raw values are the normalized vocabulary of the origin system's API and socket
/// (`queued`, `processing`, `completed`, `failed`), plus `cancelled`, which the origin folded into `failed`.
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case processing
    case completed
    case failed
    case cancelled

    /// Terminal jobs never change again and carry their outcome.
    public var isTerminal: Bool {
        switch self {
        case .queued, .processing: false
        case .completed, .failed, .cancelled: true
        }
    }

    /// Maps the origin's raw and normalized words (pending, running, succeeded, retrying...) onto ours.
    public init(normalizing word: String) {
        switch word.lowercased() {
        case "queued", "pending": self = .queued
        case "completed", "succeeded": self = .completed
        case "failed": self = .failed
        case "cancelled", "canceled": self = .cancelled
        default: self = .processing
        }
    }
}
