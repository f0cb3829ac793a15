import EaselBenchKit
import NIOCore
import Testing

/// The load generator reads server frames without a JSON decoder; these pin that reading to the wire format.
struct WireParsingTests {
    private func parse(_ text: String) -> ServerFrame? {
        Array(text.utf8).withUnsafeBytes { ServerFrame.parse($0) }
    }

    @Test func timestampsBecomeMicrosecondsSinceTheEpoch() {
        let micros = { (text: String) in Array(text.utf8).withUnsafeBytes { WireTime.micros(parsing: $0) } }
        #expect(micros("1970-01-01T00:00:00.000001+00:00") == 1)
        #expect(micros("2025-10-02T05:28:04.123456+00:00") == 1_759_382_884_123_456)
        #expect(micros("2000-02-29T23:59:59.999999+00:00") == 951_868_799_999_999)
        #expect(micros("2025-10-02T05:28:04+00:00") == nil)
        #expect(micros("2025-1x-02T05:28:04.123456+00:00") == nil)
    }

    @Test func aProgressUpdateYieldsItsKindTimestampJobAndSeq() throws {
        let progress = #"{"data":{"current_step":3,"error_message":null,"eta_seconds":1.5,"job_id":"abc-1","preview_image":null,"#
            + #""progress":0.3,"seq":17,"status":"processing","total_steps":10},"timestamp":"2025-10-02T05:28:04.123456+00:00","#
            + #""type":"progress_update"}"#
        let frame = try #require(parse(progress))
        #expect(frame.kind == .progress)
        #expect(frame.timestampMicros == 1_759_382_884_123_456)
        #expect(frame.seq == 17)
        let other = try #require(parse(progress.replacingOccurrences(of: "abc-1", with: "abc-2")))
        #expect(frame.jobKey != nil && frame.jobKey != other.jobKey)
    }

    @Test func controlMessagesAreRecognisedAndJunkIsNot() {
        let connected = #"{"data":{"connection_id":"conn_1_1","epoch":"e","message":"hi"},"timestamp":"2025-10-02T05:28:04.123456+00:00","type":"connected"}"#
        #expect(parse(connected)?.kind == .connected)
        #expect(parse(connected)?.seq == nil)
        let confirmed = #"{"data":{"job_ids":null},"timestamp":"2025-10-02T05:28:04.123456+00:00","type":"subscription_confirmed"}"#
        #expect(parse(confirmed)?.kind == .subscriptionConfirmed)
        #expect(parse(#"{"type":"mystery"}"#)?.kind == .other)
        #expect(parse("not json") == nil)
        #expect(parse("") == nil)
    }

    @Test func clientFramesAreMaskedAndReadBack() throws {
        for size in [5, 300, 70_000] {
            let payload = ByteBuffer(string: String(repeating: "p", count: size))
            var wire = WebSocketFraming.clientFrame(.text, payload: payload, allocator: ByteBufferAllocator())
            wire.writeString("next")
            let frame = try #require(WebSocketFraming.readFrame(&wire))
            #expect(frame.opcode == WebSocketFraming.Opcode.text.rawValue)
            #expect(frame.payload == payload)
            #expect(wire.readableBytes == 4)
        }
        var partial = ByteBuffer(bytes: [0x81, 10, 1, 2])
        #expect(WebSocketFraming.readFrame(&partial) == nil)
        #expect(partial.readableBytes == 4)
    }

    @Test func theUpgradeResponseIsConsumedWholeOrNotAtAll() {
        var incomplete = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n")
        #expect(WebSocketFraming.readUpgradeResponse(&incomplete) == nil)
        var complete = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        complete.writeBytes([0x81])
        #expect(WebSocketFraming.readUpgradeResponse(&complete) == true)
        #expect(complete.readableBytes == 1)
        var refused = ByteBuffer(string: "HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(WebSocketFraming.readUpgradeResponse(&refused) == false)
    }
}
