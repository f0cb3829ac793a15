import EaselCore

/// Easel's routes for a job's images: what the REST API serves and what the `url` return format points at.
enum ImageRoutes {
    static func url(of jobID: JobID, index: Int) -> String {
        "/api/v1/generation/results/\(jobID.rawValue)/images/\(index)"
    }

    /// A control job's processed control map number `index`.
    static func processedURL(of jobID: JobID, index: Int) -> String {
        "/api/v1/generation/results/\(jobID.rawValue)/processed/\(index)"
    }

    /// An input image, named by the reference the job's parameters hold (`input:<job id>/<file>`).
    static func inputURL(of jobID: JobID, file: String) -> String {
        "/api/v1/generation/jobs/\(jobID.rawValue)/inputs/\(file)"
    }
}
