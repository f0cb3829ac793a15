import EaselCore
import Foundation
import SDNext

/// Keeps job images as files under `<directory>/<job id>/` (results in `<data dir>/images`, input images in
/// `<data dir>/inputs`), so the database holds references, not megabytes of base64 (the origin stored both).
public struct ImageStore: Sendable {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes a job's images as `<prefix><index>.<ext>` and describes them for the job record.
    public func save(_ images: [EncodedImage], for jobID: JobID, prefix: String = "") throws -> [StoredImage] {
        try images.enumerated().map { index, image in try save(image, named: "\(prefix)\(index)", for: jobID) }
    }

    /// Writes one image of a job as `<name>.<ext>`.
    public func save(_ image: EncodedImage, named name: String, for jobID: JobID) throws -> StoredImage {
        let folder = directory.appendingPathComponent(jobID.rawValue, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fileName = "\(jobID.rawValue)/\(name).\(image.format.fileExtension)"
        try image.data.write(to: directory.appendingPathComponent(fileName), options: .atomic)
        return StoredImage(fileName: fileName, mimeType: image.format.mimeType, byteCount: image.data.count)
    }

    /// The absolute path of a stored image.
    public func path(of image: StoredImage) -> String {
        directory.appendingPathComponent(image.fileName).path
    }

    public func data(of image: StoredImage) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(image.fileName))
    }

    /// Removes a job's image folder, if any.
    public func deleteImages(of jobID: JobID) throws {
        let folder = directory.appendingPathComponent(jobID.rawValue, isDirectory: true)
        if FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.removeItem(at: folder)
        }
    }
}
