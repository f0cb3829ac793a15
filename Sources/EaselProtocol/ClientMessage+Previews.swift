import DynamicJSON

extension ClientMessage {
    /// `preview_rate` (previews per second, a number > 0) and `preview_max_bytes` (an integer ≥ 1) of a
    /// `subscribe`; absent or null keeps the server's cap.
    static func previewLimits(rate: JSONValue?, maxBytes: JSONValue?) -> Result<(rate: Double?, maxBytes: Int?), ProtocolError> {
        var limits: (rate: Double?, maxBytes: Int?) = (nil, nil)
        switch rate {
        case nil, .null?: break
        case .number(let number)? where number > 0 && number.isFinite: limits.rate = number
        default:
            return .failure(ProtocolError(
                .invalidPreviewLimits, "preview_rate must be a number of previews per second greater than 0", requestType: "subscribe"))
        }
        switch maxBytes {
        case nil, .null?: break
        case .number(let number)? where number >= 1 && number == number.rounded() && number < 1e15: limits.maxBytes = Int(number)
        default:
            return .failure(ProtocolError(
                .invalidPreviewLimits, "preview_max_bytes must be a whole number of bytes, at least 1", requestType: "subscribe"))
        }
        return .success(limits)
    }
}

extension ProtocolError.Code {
    /// `preview_rate` or `preview_max_bytes` of a subscribe is not a positive number.
    public static let invalidPreviewLimits = ProtocolError.Code(rawValue: "invalid_preview_limits")
}
