import Crypto
import Foundation

/// A Standard Webhooks signing secret (`whsec_<base64>`), and the signature it gives a message: receivers check it
/// with any Standard Webhooks library. The HMAC is swift-crypto's.
public struct WebhookSecret: Sendable {
    public struct Invalid: Error, CustomStringConvertible {
        public let description = "a webhook secret is whsec_ followed by base64 (at least 16 bytes)"
    }

    private let key: SymmetricKey

    public init(_ text: String) throws {
        guard text.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(text.dropFirst(6))), bytes.count >= 16 else {
            throw Invalid()
        }
        key = SymmetricKey(data: bytes)
    }

    /// The `webhook-signature` header's value: `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`.
    public func signature(id: String, timestamp: Int, body: Data) -> String {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }
}
