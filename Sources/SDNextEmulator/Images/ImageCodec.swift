import CImageCodec
import Foundation

/// Encodes and decodes images through the system libjpeg/libpng shim.
enum ImageCodec {
    /// SD.Next's default `jpeg_quality`.
    static let defaultJPEGQuality: Int32 = 90

    /// Encodes `image` without metadata, as previews are.
    static func encode(_ image: RGBImage, as format: SamplesFormat, quality: Int32 = defaultJPEGQuality) -> [UInt8] {
        (try? encode(image, as: format, quality: quality, parameters: nil)) ?? []
    }

    /// Encodes `image`; with `parameters` (the infotext) the metadata SD.Next's `save_image` writes: a
    /// JPEG's EXIF UserComment (piexif's `UNICODE` + UTF-16BE form) or a PNG's `parameters` text chunk.
    /// An EXIF block too long for a JPEG marker fails as Pillow's save does; other failures give no bytes.
    static func encode(
        _ image: RGBImage, as format: SamplesFormat, quality: Int32 = defaultJPEGQuality, parameters: String?
    ) throws(APIError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status: Int32 = image.pixels.withUnsafeBufferPointer { pixels in
            let width = Int32(image.width), height = Int32(image.height)
            switch (format, parameters) {
            case (.jpg, nil):
                return easel_jpeg_encode(pixels.baseAddress, width, height, quality, &output, &size)
            case (.jpg, let text?):
                let exif = ImageMetadata.exifUserComment(text)
                return exif.withUnsafeBufferPointer {
                    easel_jpeg_encode_exif(pixels.baseAddress, width, height, quality, $0.baseAddress, $0.count, &output, &size)
                }
            case (.png, nil):
                return easel_png_encode(pixels.baseAddress, width, height, &output, &size)
            case (.png, let text?):
                let chunk = ImageMetadata.pngText(text)
                return chunk.bytes.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) {
                        easel_png_encode_text(
                            pixels.baseAddress, width, height, "parameters", $0.baseAddress, $0.count, chunk.latin1 ? 1 : 0,
                            &output, &size)
                    }
                }
            }
        }
        if status == -3 && format == .jpg { throw APIError.exifTooLong }
        guard status == 0, let output else { return [] }
        defer { easel_codec_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// Decodes JPEG or PNG bytes (sniffed by magic number); nil when they are neither or broken.
    static func decode(_ bytes: [UInt8]) -> RGBImage? {
        var width: Int32 = 0, height: Int32 = 0
        var pixels: UnsafeMutablePointer<UInt8>?
        let status: Int32 = bytes.withUnsafeBufferPointer { data in
            if bytes.starts(with: [0xFF, 0xD8]) {
                return easel_jpeg_decode(data.baseAddress, data.count, &width, &height, &pixels)
            }
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
                return easel_png_decode(data.baseAddress, data.count, &width, &height, &pixels)
            }
            return -1
        }
        guard status == 0, let pixels, width > 0, height > 0 else { return nil }
        defer { easel_codec_free(pixels) }
        let count = Int(width) * Int(height) * 3
        return RGBImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Decodes a request image the way SD.Next's `decode_base64_to_image` accepts it: plain base64
    /// or a `data:image/...;base64,` URI. Nil when the text is not a decodable image.
    static func decodeBase64Image(_ text: String) -> RGBImage? {
        decodeBase64(text).flatMap(decode)
    }

    /// The bytes of a request image: plain base64 or a `data:image/...;base64,` URI; nil when not base64.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        return Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters).map { [UInt8]($0) }
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}

extension APIError {
    /// Pillow's JPEG save with EXIF over 65533 bytes raises `ValueError("EXIF data is too long")`; SD.Next's
    /// `encode_pil_to_base64` lets it through to `handle_exception`, which answers 500.
    static let exifTooLong = APIError(
        status: .internalServerError,
        body: .object(["error": "ValueError", "code": 500, "detail": "", "body": "", "errors": "EXIF data is too long"]))
}
