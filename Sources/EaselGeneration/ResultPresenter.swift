import EaselCore
import Foundation

/// Presents a job's images in the job's return format. Where an image can be fetched is the HTTP layer's
/// business, so it hands in `imageURL`; this layer knows no route.
public struct ResultPresenter: Sendable {
    public let images: ImageStore
    let imageURL: @Sendable (JobID, Int) -> String
    let processedURL: @Sendable (JobID, Int) -> String
    let inputURL: @Sendable (JobID, String) -> String

    /// - Parameters:
    ///   - imageURL: the URL clients fetch a job's image number `index` from.
    ///   - processedURL: the same for a control job's processed map number `index`.
    ///   - inputURL: the URL of a job's input image `file` (e.g. `init_images.0.png`).
    public init(
        images: ImageStore, imageURL: @escaping @Sendable (_ jobID: JobID, _ index: Int) -> String,
        processedURL: @escaping @Sendable (_ jobID: JobID, _ index: Int) -> String,
        inputURL: @escaping @Sendable (_ jobID: JobID, _ file: String) -> String
    ) {
        self.images = images
        self.imageURL = imageURL
        self.processedURL = processedURL
        self.inputURL = inputURL
    }

    /// A job's parameters as clients see them (`generation_started`, job views): each input image is the URL it
    /// can be fetched from, not its stored reference.
    public func parameters(of job: Job) -> GenerationParameters {
        var request = job.parameters.request
        request.mapImages { _, text in
            guard text.hasPrefix(InputImages.referencePrefix) else { return text }
            let file = text.dropFirst(InputImages.referencePrefix.count).split(separator: "/").last.map(String.init) ?? ""
            return inputURL(job.id, file)
        }
        return GenerationParameters(sending: request)
    }

    public func url(of jobID: JobID, index: Int) -> String { imageURL(jobID, index) }

    /// The `generation_complete` view of a finished job.
    public func completion(for job: Job) -> JobCompletion {
        func present(_ stored: [StoredImage], url: (JobID, Int) -> String) -> [String] {
            stored.enumerated().compactMap { index, image -> String? in
                switch job.returnFormat {
                case .url: return url(job.id, index)
                case .filePath: return self.images.path(of: image)
                case .base64: return try? self.images.data(of: image).base64EncodedString()
                }
            }
        }
        return JobCompletion(
            status: job.status, images: present(job.result?.images ?? [], url: imageURL),
            processed: present(job.result?.processed ?? [], url: processedURL), errorMessage: job.failure?.message, errorCode: job.failure?.code.rawValue,
            totalDuration: job.duration, generationInfo: job.result?.generationInfo)
    }
}
