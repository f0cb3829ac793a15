import CImageCodec
import Foundation

/// The `parameters` metadata SD.Next writes into images and reads back (`modules/api/helpers.save_image`,
/// `modules/image/metadata.read_info_from_image`), over libexif and libpng.
enum ImageMetadata {
    /// piexif's `UserComment.dump(text, encoding="unicode")` inside `piexif.dump({"Exif": {...}})`.
    static func exifUserComment(_ text: String) -> [UInt8] {
        let utf16 = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        return exifBlock { out, size in
            utf16.withUnsafeBufferPointer { easel_exif_user_comment($0.baseAddress, $0.count, &out, &size) }
        }
    }

    /// Foreign EXIF: ASCII entries of IFD 0 by tag number, as another program writes when it re-saves.
    static func exifASCII(_ entries: [(tag: UInt16, value: String)]) -> [UInt8] {
        let tags = entries.map(\.tag)
        let values = entries.map { strdup($0.value) }
        defer { values.forEach { free($0) } }
        return exifBlock { out, size in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { pointers in
                tags.withUnsafeBufferPointer { easel_exif_ascii_entries($0.baseAddress, pointers.baseAddress, tags.count, &out, &size) }
            }
        }
    }

    private static func exifBlock(_ build: (inout UnsafeMutablePointer<UInt8>?, inout Int) -> Int32) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard build(&output, &size) == 0, let output else { return [] }
        defer { easel_codec_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }

    /// PIL's `PngInfo.add_text`: a tEXt chunk when the text is Latin-1, an iTXt (UTF-8) chunk otherwise.
    static func pngText(_ text: String) -> (bytes: [UInt8], latin1: Bool) {
        if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            return (text.unicodeScalars.map { UInt8($0.value) }, true)
        }
        return (Array(text.utf8), false)
    }

    /// `read_info_from_image`: the infotext (`""` when none) and the other metadata items, `parameters`
    /// included, for a JPEG or PNG; nil when the bytes are no image the emulator reads. Like PIL's lazy
    /// `Image.open`, which is all png-info does, only the headers are read, never the pixels.
    static func read(_ bytes: [UInt8]) -> (info: String, items: JSONObject)? {
        var items = JSONObject()
        var info = ""
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            guard let texts = pngTexts(bytes) else { return nil }
            for (key, value) in texts { items[key] = .string(value) }
            info = pop("parameters", from: &items) ?? pop("UserComment", from: &items) ?? ""
        } else if bytes.starts(with: [0xFF, 0xD8]) {
            guard let exif = jpegEXIF(bytes) else { return nil }
            for entry in exif.map(EXIFEntry.entries(of:)) ?? [] {
                guard let value = entry.value else { continue }
                if entry.name == "UserComment" {
                    info = value.stringValue ?? ""
                    items["parameters"] = value
                } else {
                    items[entry.name] = value
                }
            }
        } else {
            return nil
        }
        if !info.isEmpty, items["parameters"] == nil { items["parameters"] = .string(info) }
        return (info, items)
    }

    /// Python's `items.pop(key, None) or …`: the value when it is a non-empty string.
    private static func pop(_ key: String, from items: inout JSONObject) -> String? {
        guard let value = items[key]?.stringValue else { return nil }
        items[key] = nil
        return value.isEmpty ? nil : value
    }

    /// The text chunks before the image data; nil for a broken PNG.
    private static func pngTexts(_ bytes: [UInt8]) -> [(String, String)]? {
        var texts: UnsafeMutablePointer<easel_png_text>?
        var count = 0
        guard bytes.withUnsafeBufferPointer({ easel_png_read_texts($0.baseAddress, $0.count, &texts, &count) }) == 0,
            let texts
        else { return nil }
        defer { easel_png_texts_free(texts, count) }
        return UnsafeBufferPointer(start: texts, count: count).map { chunk in
            let raw = UnsafeRawBufferPointer(start: chunk.text, count: chunk.size)
            let value =
                chunk.utf8 != 0 ? String(decoding: raw, as: UTF8.self) : String(raw.map { Character(Unicode.Scalar($0)) })
            return (String(cString: chunk.key), value)
        }
    }

    /// The EXIF payload (`.some(nil)` when the JPEG has none); nil for a broken JPEG header.
    private static func jpegEXIF(_ bytes: [UInt8]) -> [UInt8]?? {
        var exif: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = bytes.withUnsafeBufferPointer { easel_jpeg_read_exif($0.baseAddress, $0.count, &exif, &size) }
        guard status >= 0 else { return nil }
        guard status == 0, let exif else { return .some(nil) }
        defer { easel_codec_free(exif) }
        return Array(UnsafeBufferPointer(start: exif, count: size))
    }
}

/// One EXIF entry as `read_info_from_image` turns piexif's values into items: byte strings decoded with
/// `safe_decode_string`, numbers as numbers, a rational (or any pair of integers) as a ratio rounded to
/// two places. Tags libexif has no name for are left out, as PIL's `ExifTags.TAGS` leaves them out.
struct EXIFEntry {
    let name: String
    let value: JSONValue?

    static func entries(of exif: [UInt8]) -> [EXIFEntry] {
        var entries: UnsafeMutablePointer<easel_exif_entry>?
        var count = 0
        var bigEndian: Int32 = 0
        guard exif.withUnsafeBufferPointer({ easel_exif_read_entries($0.baseAddress, $0.count, &entries, &count, &bigEndian) }) == 0,
            let entries
        else { return [] }
        defer { easel_exif_entries_free(entries, count) }
        return UnsafeBufferPointer(start: entries, count: count).compactMap { entry in
            var raw = entry
            let name = withUnsafeBytes(of: &raw.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix("0x") else { return nil }
            let data = Array(UnsafeBufferPointer(start: entry.data, count: entry.size))
            return EXIFEntry(name: name, value: value(format: entry.format, components: Int(entry.components), data: data, bigEndian: bigEndian != 0))
        }
    }

    /// libexif formats: 1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED, 8 SSHORT, 9 SLONG, 10 SRATIONAL.
    private static func value(format: UInt16, components: Int, data: [UInt8], bigEndian: Bool) -> JSONValue? {
        func integer(_ offset: Int, _ width: Int, signed: Bool) -> Int {
            guard offset + width <= data.count else { return 0 }
            let bytes = data[offset..<(offset + width)]
            let unsigned = (bigEndian ? Array(bytes) : bytes.reversed()).reduce(0) { $0 << 8 | Int($1) }
            guard signed, unsigned >= 1 << (width * 8 - 1) else { return unsigned }
            return unsigned - (1 << (width * 8))
        }
        func ratio(_ numerator: Int, _ denominator: Int) -> JSONValue {
            denominator > 0 ? .double((Double(numerator) / Double(denominator) * 100).rounded() / 100) : [.int(numerator), .int(denominator)]
        }
        switch format {
        case 2:
            // piexif hands ASCII over without its final NUL; an even-length string then reads as UTF-16BE in
            // `safe_decode_string`, as it does in SD.Next.
            return SafeDecode.string(Array(data.dropLast())).map(JSONValue.string)
        case 7:
            return SafeDecode.string(data).map(JSONValue.string)
        case 1, 3, 4, 8, 9:
            let width = [1: 1, 3: 2, 4: 4, 8: 2, 9: 4][Int(format)] ?? 1
            let numbers = (0..<components).map { integer($0 * width, width, signed: format >= 8) }
            if numbers.count == 1 { return .int(numbers[0]) }
            if numbers.count >= 2 && numbers[1] > 0 { return ratio(numbers[0], numbers[1]) }
            return .array(numbers.map(JSONValue.int))
        case 5, 10:
            let pairs = (0..<components).map { (integer($0 * 8, 4, signed: format == 10), integer($0 * 8 + 4, 4, signed: format == 10)) }
            if pairs.count == 1 { return ratio(pairs[0].0, pairs[0].1) }
            return .array(pairs.map { [.int($0.0), .int($0.1)] })
        default:
            return nil
        }
    }
}

/// SD.Next's `safe_decode_string`: drop an `UNICODE`/`ASCII` and a NUL prefix, then take the first of
/// UTF-16LE (only when every odd byte of the first 20 is zero), UTF-16BE, UTF-8 and Latin-1 that decodes
/// strictly; control characters U+0000–U+0009 are removed and an empty result is nil.
enum SafeDecode {
    static func string(_ bytes: [UInt8]) -> String? {
        var data = ArraySlice(bytes)
        for prefix in [Array("UNICODE".utf8), Array("ASCII".utf8), [0]] where data.starts(with: prefix) {
            data = data.dropFirst(prefix.count)
        }
        let decoded =
            utf16(data, littleEndian: true, requireZeroHighBytes: true) ?? utf16(data, littleEndian: false)
            ?? String(validating: data, as: UTF8.self) ?? String(data.map { Character(Unicode.Scalar($0)) })
        let cleaned = String(decoded.unicodeScalars.filter { $0.value > 9 }.map(Character.init))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return cleaned.isEmpty ? nil : cleaned
    }

    private static func utf16(_ data: ArraySlice<UInt8>, littleEndian: Bool, requireZeroHighBytes: Bool = false) -> String? {
        guard data.count % 2 == 0 else { return nil }
        let bytes = Array(data)
        if requireZeroHighBytes {
            guard bytes.count >= 2, stride(from: 1, to: min(bytes.count, 20), by: 2).allSatisfy({ bytes[$0] == 0 }) else {
                return nil
            }
        }
        let units: [UInt16] = stride(from: 0, to: bytes.count, by: 2).map { index in
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            return littleEndian ? second << 8 | first : first << 8 | second
        }
        return String(validating: units, as: UTF16.self)
    }
}
