import DynamicJSON
import Foundation

/// Any route's JSON as SD.Next wrote it, for callers that relay SD.Next's answers rather than read them (Easel's
/// SD.Next-compatible gateway unions the pool's listings and forwards `png-info`). Paced like every call.
extension SDNextClient {
    /// `GET path` (query included) and its JSON answer; a non-2xx answer throws `.httpStatus` with SD.Next's body.
    public func getJSON(_ path: String) async throws -> JSONValue {
        try await sendForJSON(.GET, path, timeout: configuration.requestTimeout)
    }

    /// `POST path` with `body` sent as it is (invalid JSON included, so SD.Next judges it); nil for an empty
    /// answer such as SD.Next's 204s.
    public func postJSON(_ path: String, body: Data?) async throws -> JSONValue? {
        let response = try Self.checkStatus(try await send(.POST, path, json: body, timeout: configuration.requestTimeout))
        guard response.body.readableBytes > 0 else { return nil }
        return try Self.decodeJSON(response)
    }
}
