import DynamicJSON
import Foundation

/// The parsed `info` of a generation response: the resolved seeds and the A1111-style infotexts.
///
/// SD.Next sends `info` as a JSON document *inside a string* (and as `""` when the generation was aborted);
/// some servers and fakes send an object. Both are accepted.
public struct GenerationInfo: Sendable, Equatable {
    /// The resolved seed of the first image (the request's -1 replaced by the random pick).
    public let seed: Int?
    public let allSeeds: [Int]
    /// One text per image: prompt, negative prompt and a "Steps: 20, Size: ..., Seed: ..." line.
    public let infotexts: [String]
    /// Every key, for fields not modelled here.
    public let raw: [String: JSONValue]

    public init(raw: [String: JSONValue]) {
        self.raw = raw
        self.seed = raw["seed"]?.intValue
        self.allSeeds = raw["all_seeds"]?.arrayValue?.compactMap(\.intValue) ?? []
        self.infotexts = raw["infotexts"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Reads `info` in any of its shapes; returns nil for `""`, null, or text that is not a JSON object.
    init?(info: JSONValue?) {
        switch info {
        case .object(let members):
            self.init(raw: members)
        case .string(let text):
            guard !text.isEmpty,
                  let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                  let members = parsed.objectValue
            else { return nil }
            self.init(raw: members)
        default:
            return nil
        }
    }
}

/// A successful txt2img or img2img answer: at least one image.
public struct GenerationResult: Sendable {
    /// In SD.Next's order: a leading grid when one was requested, then one image per output. After an
    /// interrupt this holds the finished images plus one partial preview.
    public let images: [EncodedImage]
    /// The request as SD.Next understood it, with every default filled in.
    public let parameters: [String: JSONValue]
    /// The parsed `info`, nil when SD.Next sent `""` or something unparseable.
    public let info: GenerationInfo?
    /// `info` exactly as sent when it was a string; an object is re-encoded with sorted keys.
    public let rawInfo: String

    public init(images: [EncodedImage], parameters: [String: JSONValue], info: GenerationInfo?, rawInfo: String) {
        self.images = images
        self.parameters = parameters
        self.info = info
        self.rawInfo = rawInfo
    }
}

/// A successful `/sdapi/v1/control` answer.
public struct ControlResult: Sendable {
    /// The generated images.
    public let images: [EncodedImage]
    /// The preprocessed control maps (for example Canny edges), one per input.
    public let processed: [EncodedImage]
    public let parameters: [String: JSONValue]
    /// Control's `info` is plain text rather than JSON, so this is usually nil; see `rawInfo`.
    public let info: GenerationInfo?
    public let rawInfo: String

    public init(
        images: [EncodedImage],
        processed: [EncodedImage],
        parameters: [String: JSONValue],
        info: GenerationInfo?,
        rawInfo: String
    ) {
        self.images = images
        self.processed = processed
        self.parameters = parameters
        self.info = info
        self.rawInfo = rawInfo
    }
}

/// The fields every generation route answers with, read leniently from the body.
struct GenerationResponseBody {
    let images: [EncodedImage]
    let processed: [EncodedImage]
    let parameters: [String: JSONValue]
    let info: GenerationInfo?
    let rawInfo: String

    /// Decodes a 200 body; a body without images is SD.Next's way of saying the generation failed.
    /// `body` is only evaluated for an error.
    init(json: JSONValue, status: Int, body: @autoclosure () -> String) throws(SDNextError) {
        guard json.objectValue != nil else {
            throw SDNextError(code: .decoding, status: status, body: body(), message: "The response is not a JSON object")
        }
        images = try Self.decodeImages(json["images"])
        processed = try Self.decodeImages(json["processed"])
        // Control echoes its request as `params`.
        parameters = (json["parameters"] ?? json["params"])?.objectValue ?? [:]
        info = GenerationInfo(info: json["info"])
        rawInfo = Self.rawText(of: json["info"])
        guard !images.isEmpty else {
            throw SDNextError(
                code: .emptyImages,
                status: status,
                body: body(),
                message: "SD.Next returned no images (no model loaded, unknown checkpoint, out of memory, or skipped)"
            )
        }
    }

    private static func decodeImages(_ value: JSONValue?) throws(SDNextError) -> [EncodedImage] {
        var images: [EncodedImage] = []
        for item in value?.arrayValue ?? [] {
            guard let text = item.stringValue, !text.isEmpty else { continue }
            images.append(try EncodedImage(base64: text))
        }
        return images
    }

    private static func rawText(of info: JSONValue?) -> String {
        switch info {
        case .string(let text):
            return text
        case nil, .null:
            return ""
        case let value?:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
}
