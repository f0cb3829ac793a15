import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// `GET`/`POST /sdapi/v1/log`: SD.Next's ring buffer of formatted records, fed by the UI's messages.
@Suite(.timeLimit(.minutes(1))) struct LogRouteTests {
    @Test func postedMessagesAreReadBackAsSDNextFormatsThem() async throws {
        try await withEmulator(EmulatorConfiguration.testing()) { emulator in
            let client = EmulatorClient(emulator)
            let posted = try await client.post("/sdapi/v1/log", #"{"message":"hello \"fox\""}"#)
            #expect(posted.status == 204 && posted.text.isEmpty)
            #expect(try await client.post("/sdapi/v1/log", #"{"debug":"below the level"}"#).status == 204)
            #expect(try await client.post("/sdapi/v1/log", #"{"error":"it broke","message":"ignored"}"#).status == 204)
            #expect(try await client.post("/sdapi/v1/log", #"{"message":7}"#).status == 422)

            let lines = try await client.get("/sdapi/v1/log").array().compactMap { $0 as? String }
            #expect(lines.count == 2, "\(lines)")
            #expect(lines.first?.contains(#""level":"INFO", "module":"server", "func":"post_log", "msg":"UI: hello 'fox'" }"#) == true)
            #expect(lines.last?.contains(#""level":"INFO""#) == true && lines.last?.contains("UI: ignored") == true)
            // `log.buffer[:lines]`: the oldest lines first.
            let first = try await client.get("/sdapi/v1/log?lines=1&clear=true").array().compactMap { $0 as? String }
            #expect(first == [lines[0]])
            #expect(try await client.get("/sdapi/v1/log").array().isEmpty)
            let bad = try await client.get("/sdapi/v1/log?lines=many")
            #expect(bad.status == 422)
            let issue = try #require(try bad.object()["detail"] as? [[String: Any]]).first
            #expect(issue?["loc"] as? [String] == ["query", "lines"])
        }
    }
}
