import EaselCore

/// Easel's route for one job image: what the REST API serves and what the `url` return format points at.
enum ImageRoutes {
    static func url(of jobID: JobID, index: Int) -> String {
        "/api/v1/generation/results/\(jobID.rawValue)/images/\(index)"
    }
}
