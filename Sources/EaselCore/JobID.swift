import Foundation

/// A job's identity: a lowercase UUID string, as the origin system used, so its clients can keep treating ids as text.
public struct JobID: Hashable, Sendable, Codable, CustomStringConvertible, RawRepresentable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A fresh random id.
    public static func make() -> JobID {
        JobID(rawValue: UUID().uuidString.lowercased())
    }

    /// Accepts only strings that could name a job, so junk never reaches the store.
    public init?(validating text: String) {
        guard !text.isEmpty, text.count <= 64,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        self.rawValue = text
    }

    /// Encoded as the bare string (the standard library's Codable for a String raw value).
    public var description: String { rawValue }
}
