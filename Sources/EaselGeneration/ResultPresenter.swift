import EaselCore
import Foundation

/// Presents a job's images in the job's return format. Where an image can be fetched is the HTTP layer's
/// business, so it hands in `imageURL`; this layer knows no route.
public struct ResultPresenter: Sendable {
    public let images: ImageStore
    let imageURL: @Sendable (JobID, Int) -> String

    /// - Parameter imageURL: the URL clients fetch a job's image number `index` from.
    public init(images: ImageStore, imageURL: @escaping @Sendable (_ jobID: JobID, _ index: Int) -> String) {
        self.images = images
        self.imageURL = imageURL
    }

    public func url(of jobID: JobID, index: Int) -> String { imageURL(jobID, index) }

    /// The `generation_complete` view of a finished job.
    public func completion(for job: Job) -> JobCompletion {
        let images = (job.result?.images ?? []).enumerated().compactMap { index, image -> String? in
            switch job.returnFormat {
            case .url: return imageURL(job.id, index)
            case .filePath: return self.images.path(of: image)
            case .base64: return try? self.images.data(of: image).base64EncodedString()
            }
        }
        return JobCompletion(
            status: job.status, images: images, errorMessage: job.failure?.message, errorCode: job.failure?.code.rawValue,
            totalDuration: job.duration, generationInfo: job.result?.generationInfo)
    }
}
