import CImageCodec
import Foundation

/// Encodes and decodes images through the system libjpeg/libpng shim.
enum ImageCodec {
    /// SD.Next's default `jpeg_quality`.
    static let defaultJPEGQuality: Int32 = 90

    static func encode(_ image: RGBImage, as format: SamplesFormat, quality: Int32 = defaultJPEGQuality) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            switch format {
            case .jpg:
                easel_jpeg_encode(pixels.baseAddress, Int32(image.width), Int32(image.height), quality, &output, &size)
            case .png:
                easel_png_encode(pixels.baseAddress, Int32(image.width), Int32(image.height), &output, &size)
            }
        }
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
        var payload = Substring(text)
        if payload.hasPrefix("data:"), let comma = payload.firstIndex(of: ",") {
            payload = payload[payload.index(after: comma)...]
        }
        guard let data = Data(base64Encoded: String(payload), options: .ignoreUnknownCharacters) else { return nil }
        return decode([UInt8](data))
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
