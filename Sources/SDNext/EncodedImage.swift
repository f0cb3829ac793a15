import Foundation

/// An image file format, told apart by magic bytes.
///
/// SD.Next encodes images in its `samples_format` option, which defaults to JPEG (A1111 defaults to PNG),
/// so the format is always sniffed, never assumed.
public enum ImageFormat: String, Sendable {
    case jpeg, png, webp, unknown

    /// Identifies the format from the first bytes of a file.
    public init(sniffing data: Data) {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.count == 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8...].elementsEqual("WEBP".utf8) {
            self = .webp
        } else {
            self = .unknown
        }
    }

    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .unknown: "application/octet-stream"
        }
    }

    /// A file name extension without the dot.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .unknown: "bin"
        }
    }
}

/// The bytes of one image returned by SD.Next, with the format its magic bytes show.
public struct EncodedImage: Sendable, Equatable {
    public let data: Data
    public let format: ImageFormat

    public init(data: Data) {
        self.data = data
        self.format = ImageFormat(sniffing: data)
    }

    /// Decodes SD.Next's base64, tolerating a `data:image/...;base64,` prefix and embedded line breaks.
    public init(base64 text: String) throws(SDNextError) {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw SDNextError(code: .decoding, message: "An image is not valid base64 (\(text.utf8.count) characters)")
        }
        self.init(data: data)
    }

    /// Plain base64 without a prefix, as SD.Next sends it.
    public var base64: String {
        data.base64EncodedString()
    }

    /// A `data:` URI, for HTML and for clients that want one.
    public var dataURI: String {
        "data:\(format.mimeType);base64,\(base64)"
    }
}
