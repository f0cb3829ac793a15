import EaselProtocol
import Testing

/// `preview_rate` and `preview_max_bytes` of a subscribe: read, refused when they are not positive, and encoded back.
@Suite struct PreviewLimitsTests {
    @Test func aSubscribeMayLowerItsPreviewRateAndSize() throws {
        let text = #"{"type":"subscribe","include_previews":true,"preview_rate":0.5,"preview_max_bytes":65536}"#
        let message = try ClientMessage.parse(text).get()
        let expected = ClientMessage.subscribe(Subscription(.allJobs, includePreviews: true, previewRate: 0.5, previewMaxBytes: 65_536))
        #expect(message == expected)
        #expect(try ClientMessage.parse(expected.encoded()).get() == expected)
    }

    @Test func absentOrNullLimitsKeepTheServersCap() throws {
        let message = try ClientMessage.parse(#"{"type":"subscribe","preview_rate":null}"#).get()
        #expect(message == .subscribe(Subscription(.allJobs)))
    }

    @Test(arguments: [
        #"{"type":"subscribe","preview_rate":0}"#,
        #"{"type":"subscribe","preview_rate":-1}"#,
        #"{"type":"subscribe","preview_rate":"2"}"#,
        #"{"type":"subscribe","preview_max_bytes":0}"#,
        #"{"type":"subscribe","preview_max_bytes":10.5}"#,
        #"{"type":"subscribe","preview_max_bytes":true}"#,
    ])
    func badLimitsAreRefusedWithTheirOwnCode(text: String) {
        guard case .failure(let error) = ClientMessage.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.code == .invalidPreviewLimits)
        #expect(error.requestType == "subscribe")
    }
}
