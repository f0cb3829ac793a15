import Foundation

/// The `parameters` text SD.Next and A1111 store with every image (`info.infotexts`, EXIF UserComment, PNG
/// `parameters` chunk), parsed: `<prompt>\nNegative prompt: <negative>\nKey: value, Key: "quoted, value", …`.
///
/// Easel reads it to learn what a backend really ran (the model it had loaded, the LoRAs it found) rather
/// than what was asked for. Unknown keys stay available in `parameters`, in order.
public struct Infotext: Sendable, Equatable {
    public let prompt: String
    public let negativePrompt: String
    /// Every `Key: value` pair of the settings line, unquoted, in order.
    public let parameters: [(key: String, value: String)]

    public init(prompt: String, negativePrompt: String, parameters: [(key: String, value: String)]) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.parameters = parameters
    }

    /// Parses an infotext; the settings line is the last line when it reads as `Key: value` pairs, and the
    /// negative prompt runs from the first `Negative prompt:` line to it (both may span lines).
    public init(parsing text: String) {
        var lines = text.components(separatedBy: "\n")
        var parameters: [(key: String, value: String)] = []
        if let last = lines.last, let parsed = Self.settings(in: last) {
            parameters = parsed
            lines.removeLast()
        }
        var promptLines = lines
        var negativeLines: [String] = []
        if let start = lines.firstIndex(where: { $0.hasPrefix("Negative prompt:") }) {
            promptLines = Array(lines[..<start])
            negativeLines = Array(lines[start...])
            negativeLines[0] = String(negativeLines[0].dropFirst("Negative prompt:".count))
        }
        self.init(
            prompt: promptLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
            negativePrompt: negativeLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
            parameters: parameters)
    }

    public static func == (lhs: Infotext, rhs: Infotext) -> Bool {
        lhs.prompt == rhs.prompt && lhs.negativePrompt == rhs.negativePrompt
            && lhs.parameters.map(\.key) == rhs.parameters.map(\.key) && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    /// The value of the first parameter named `key`.
    public subscript(key: String) -> String? { parameters.first { $0.key == key }?.value }

    public var steps: Int? { self["Steps"].flatMap { Int($0) } }
    /// nil when the model's own scheduler ran (SD.Next's `Default`, which it leaves out).
    public var sampler: String? { self["Sampler"] }
    /// The diffusers scheduler class (SD.Next only).
    public var scheduler: String? { self["Scheduler"] }
    public var seed: Int? { self["Seed"].flatMap { Int($0) } }
    public var cfgScale: Double? { self["CFG scale"].flatMap { Double($0) } }
    public var model: String? { self["Model"] }
    public var modelHash: String? { self["Model hash"] }
    public var denoisingStrength: Double? { self["Denoising strength"].flatMap { Double($0) } }

    /// `Size: WxH`.
    public var size: (width: Int, height: Int)? {
        guard let parts = self["Size"]?.split(separator: "x"), parts.count == 2,
            let width = Int(parts[0]), let height = Int(parts[1])
        else { return nil }
        return (width, height)
    }

    /// The LoRAs the backend applied: SD.Next's `LoRA networks: a, b`, else the names of A1111's
    /// `Lora hashes: "a: hash, b: hash"`. A LoRA the prompt names but the backend lacks is not among them.
    public var loras: [String] {
        if let names = self["LoRA networks"] { return Self.list(names) }
        return loraHashes.map(\.name)
    }

    /// LoRA hashes: A1111's `name: hash` pairs, or SD.Next's `LoRA hashes` list (names from `LoRA networks`).
    public var loraHashes: [(name: String, hash: String)] {
        if let pairs = self["Lora hashes"] {
            return Self.list(pairs).compactMap { pair in
                guard let colon = pair.lastIndex(of: ":") else { return nil }
                return (
                    String(pair[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(pair[pair.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }
        }
        guard let hashes = self["LoRA hashes"] else { return [] }
        let names = self["LoRA networks"].map(Self.list) ?? []
        return Self.list(hashes).enumerated().map { position, hash in (position < names.count ? names[position] : "", hash) }
    }

    private static func list(_ text: String) -> [String] {
        text.components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A1111's `re_param`: `key: value` or `key: "json string"`, comma separated.
    private static let pair = try! NSRegularExpression(pattern: #"\s*([\w][\w \-/+.]*):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)"#)

    private static func settings(in line: String) -> [(key: String, value: String)]? {
        let text = line as NSString
        var found: [(key: String, value: String)] = []
        var covered = 0
        for match in pair.matches(in: line, range: NSRange(location: 0, length: text.length)) {
            guard match.range.location == covered else { return nil }
            covered = match.range.location + match.range.length
            let raw = text.substring(with: match.range(at: 2)).trimmingCharacters(in: .whitespaces)
            found.append((text.substring(with: match.range(at: 1)), unquote(raw)))
        }
        guard !found.isEmpty, line.trimmingCharacters(in: .whitespaces).count > 0,
            text.substring(from: covered).trimmingCharacters(in: .whitespaces).isEmpty
        else { return nil }
        return found
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\""),
            let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String
        else { return text }
        return value
    }
}
