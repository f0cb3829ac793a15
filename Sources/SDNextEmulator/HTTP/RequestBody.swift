import Hummingbird

extension Request {
    /// Reads the body as JSON whatever its content type (FastAPI parses a body without one as
    /// JSON; the emulator is lenient so `curl -d` works), with FastAPI's 422s for bad input.
    mutating func jsonBody(context: EmulatorRequestContext) async throws -> JSONValue {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw APIError.missingBody }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError.invalidJSON(error)
        }
    }
}
