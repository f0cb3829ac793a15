import EaselCore
import Foundation
import SDNext

/// Keeps a job's input images (init images, masks, control images) as files under `<data dir>/inputs/<job id>/`,
/// named by their field (`init_images.0.png`, `control.1.override.jpg`), so the job row holds references
/// (`input:<job id>/<file>`) instead of megabytes of base64. The run puts the images back before sending.
public struct InputImages: Sendable {
    public let store: ImageStore
    static let referencePrefix = "input:"

    /// An input image larger than the limit: the API answers 413 naming its field.
    public struct TooLarge: Error, Sendable {
        public let field: String
        public let limit: Int
    }

    public init(store: ImageStore) {
        self.store = store
    }

    /// Checks every input image (base64 or a `data:` URL of a PNG, JPEG or WebP within `limits.maxImageBytes`),
    /// writes each to a file and returns the parameters holding references. Throws `InvalidParameters` naming
    /// every unreadable image, or `TooLarge`; writes nothing then.
    func keep(
        _ parameters: GenerationParameters, for jobID: JobID, limits: ParameterLimits
    ) throws -> GenerationParameters {
        var decoded: [String: EncodedImage] = [:]
        var problems: [ParameterError] = []
        var tooLarge: TooLarge?
        var request = parameters.request
        request.mapImages { field, text in
            guard let image = try? EncodedImage(base64: text), image.format != .unknown else {
                problems.append(ParameterError(field: field, message: "must be a base64 PNG, JPEG or WebP image, or a data: URL of one"))
                return text
            }
            if image.data.count > limits.maxImageBytes {
                tooLarge = tooLarge ?? TooLarge(field: field, limit: limits.maxImageBytes)
            }
            decoded[field] = image
            return text
        }
        if let tooLarge { throw tooLarge }
        guard problems.isEmpty else { throw GenerationService.InvalidParameters(problems: problems) }
        guard !decoded.isEmpty else { return parameters }
        do {
            try request.mapImages { field, text in
                guard let image = decoded[field] else { return text }
                return Self.referencePrefix + (try store.save(image, named: field, for: jobID)).fileName
            }
        } catch {
            try? store.deleteImages(of: jobID)
            throw error
        }
        return GenerationParameters(sending: request)
    }

    /// The request with every reference replaced by its image's base64, ready to send.
    func restore(_ request: GenerationRequest) throws -> GenerationRequest {
        var request = request
        try request.mapImages { _, text in
            guard text.hasPrefix(Self.referencePrefix) else { return text }
            let fileName = String(text.dropFirst(Self.referencePrefix.count))
            return try Data(contentsOf: store.directory.appendingPathComponent(fileName)).base64EncodedString()
        }
        return request
    }

    /// The bytes and MIME type of a job's input image `name` (a file name such as `init_images.0.png`), or nil.
    public func image(of jobID: JobID, named name: String) -> (data: Data, mimeType: String)? {
        guard !name.contains("/"), !name.hasPrefix("."),
              let data = try? Data(contentsOf: store.directory.appendingPathComponent(jobID.rawValue).appendingPathComponent(name))
        else { return nil }
        return (data, ImageFormat(sniffing: data).mimeType)
    }

    /// Removes a job's input images, if any.
    public func delete(of jobID: JobID) throws {
        try store.deleteImages(of: jobID)
    }
}
