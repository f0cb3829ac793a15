import CImageCodec
import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// Requests whose images or metadata are far larger than they look: a tiny PNG declaring a huge size, an
/// upscale to a huge size, an infotext longer than a JPEG marker holds. None may cost the size it names.
@Suite(.timeLimit(.minutes(2))) struct ImageLimitsTests {
    @Test func pngInfoReadsAHugeDeclaredPNGWithoutDecodingIt() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let huge = Self.png(width: 60000, height: 60000, text: ("parameters", "a fox\nSteps: 3, Seed: 7"))
            // PIL's Image.open reads the chunks up to IDAT and no pixels, so SD.Next answers the text.
            let answer = try await client.post("/sdapi/v1/png-info", #"{"image":"\#(Data(huge).base64EncodedString())"}"#)
            #expect(answer.status == 200, "\(answer.text)")
            let body = try answer.object()
            #expect(body["info"] as? String == "a fox\nSteps: 3, Seed: 7")
            #expect(body["items"] as? [String: String] == ["parameters": "a fox\nSteps: 3, Seed: 7"])
            // A broken critical chunk is what PIL's open rejects ("broken PNG file"): SD.Next's 500.
            var broken = huge
            broken[29] ^= 0xFF  // IHDR's CRC
            let rejected = try await client.post("/sdapi/v1/png-info", #"{"image":"\#(Data(broken).base64EncodedString())"}"#)
            #expect(rejected.status == 500)
            #expect(try rejected.object()["detail"] as? String == "Invalid encoded image")
        }
    }

    @Test func extraSingleImageToAHugeSizeSpendsOnlyTheStage() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let body = #"{"image":"\#(samplePNGBase64())","resize_mode":1,"upscaling_resize_w":100000,"upscaling_resize_h":100000}"#
            let result = try await client.post("/sdapi/v1/extra-single-image", body)
            #expect(result.status == 500)
            #expect(try result.object()["error"] as? String == "ValidationError")
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let process = history.filter { $0["job"] as? String == "process" }.compactMap { $0["op"] as? String }
            #expect(process.sorted() == ["begin", "end"])
        }
    }

    @Test func anInfotextTooLongForJPEGEXIFFailsTheSaveAsPillowDoes() async throws {
        let body = #"{"prompt":"\#(String(repeating: "fox ", count: 10000))","steps":1,"width":64,"height":64}"#
        try await withEmulator(.testing(samplesFormat: .jpg)) { emulator in
            let result = try await EmulatorClient(emulator).post("/sdapi/v1/txt2img", body)
            #expect(result.status == 500)
            let error = try result.object()
            #expect(error["error"] as? String == "ValueError" && error["errors"] as? String == "EXIF data is too long")
        }
        try await withEmulator(.testing(samplesFormat: .png)) { emulator in
            let saved = try await EmulatorClient(emulator).post("/sdapi/v1/txt2img", body)
            #expect(saved.status == 200)
        }
    }

    @Test func exifEntriesRejectDataThatIsNoEXIFBlock() {
        var entries: UnsafeMutablePointer<easel_exif_entry>?
        var count = 0
        let garbage = Array("not an EXIF block at all".utf8)
        #expect(garbage.withUnsafeBufferPointer { easel_exif_read_entries($0.baseAddress, $0.count, &entries, &count, nil) } < 0)
        let exif = ImageMetadata.exifUserComment("a fox")
        #expect(exif.withUnsafeBufferPointer { easel_exif_read_entries($0.baseAddress, $0.count, &entries, &count, nil) } == 0)
        defer { easel_exif_entries_free(entries, count) }
        #expect(count == 1)
    }

    /// A PNG by hand: IHDR (8-bit RGB), one tEXt chunk, an IDAT holding an empty zlib stream, IEND.
    static func png(width: UInt32, height: UInt32, text: (key: String, value: String)) -> [UInt8] {
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
        }
        let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("tEXt", Array(text.key.utf8) + [0] + Array(text.value.utf8))
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    /// PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
