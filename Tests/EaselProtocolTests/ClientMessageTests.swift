import EaselCore
import EaselProtocol
import Foundation
import Testing

@Suite struct ClientMessageTests {
    @Test func subscribeWithNullOrAbsentJobIDsMeansAllJobs() throws {
        #expect(try ClientMessage.parse(#"{"type":"subscribe","job_ids":null}"#).get() == .subscribe(Subscription(.allJobs)))
        #expect(try ClientMessage.parse(#"{"type":"subscribe"}"#).get() == .subscribe(Subscription(.allJobs)))
    }

    @Test func subscribeWithListKeepsOrderAndDropsRepeats() throws {
        let message = try ClientMessage.parse(#"{"type":"subscribe","job_ids":["a-1","b-2","a-1"]}"#).get()
        #expect(message == .subscribe(Subscription(.jobs([JobID(rawValue: "a-1"), JobID(rawValue: "b-2")]))))
    }

    @Test func subscribeMayResumeFromSeqsOfAnEpoch() throws {
        let message = try ClientMessage.parse(#"{"type":"subscribe","job_ids":["a-1"],"since":{"a-1":4},"epoch":"e1"}"#).get()
        #expect(message == .subscribe(Subscription(
            .jobs([JobID(rawValue: "a-1")]), resume: ResumePosition(epoch: "e1", since: [JobID(rawValue: "a-1"): 4]))))
    }

    @Test func includePreviewsIsReadLaxlyLikeTheOrigin() throws {
        for (text, expected) in [("true", true), ("1", true), (#""yes""#, true), ("false", false), (#""0""#, false)] {
            let message = try ClientMessage.parse(#"{"type":"subscribe","include_previews":\#(text)}"#).get()
            #expect(message == .subscribe(Subscription(.allJobs, includePreviews: expected)), "\(text)")
        }
    }

    @Test(arguments: [
        ("not json", ProtocolError.Code.invalidJSON),
        ("[1,2]", .invalidMessage),
        ("5", .invalidMessage),
        (#"{"job_ids":null}"#, .invalidMessage),
        (#"{"type":7}"#, .invalidMessage),
        (#"{"type":"dance"}"#, .unknownType),
        (#"{"type":"subscribe","job_ids":[1,2]}"#, .invalidJobIDs),
        (#"{"type":"subscribe","job_ids":"abc"}"#, .invalidJobIDs),
        (#"{"type":"subscribe","job_ids":[""]}"#, .invalidJobIDs),
        (#"{"type":"unsubscribe","job_ids":["a b"]}"#, .invalidJobIDs),
        (#"{"type":"subscribe","job_ids":["a"],"since":{"a":-1}}"#, .invalidSince),
        (#"{"type":"subscribe","job_ids":["a"],"since":{"a":1.5}}"#, .invalidSince),
        (#"{"type":"subscribe","job_ids":["a"],"since":[1]}"#, .invalidSince),
        (#"{"type":"subscribe","job_ids":["a"],"since":{"a":1},"epoch":5}"#, .invalidSince),
        (#"{"type":"subscribe","include_previews":"maybe"}"#, .invalidMessage),
    ])
    func badInputNamesTheProblem(text: String, code: ProtocolError.Code) {
        guard case .failure(let error) = ClientMessage.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.code == code)
    }

    @Test func pingEchoesItsData() throws {
        guard case .ping(let echo) = try ClientMessage.parse(#"{"type":"ping","data":{"t":5}}"#).get() else {
            Issue.record("not a ping")
            return
        }
        #expect(echo == .object(["t": .number(5)]))
    }

    @Test func serverMessagesCarryTheOriginEnvelopeWithEveryKey() throws {
        let event = JobEvent(
            jobID: JobID(rawValue: "job-1"), seq: 3, timestamp: Date(timeIntervalSince1970: 1_759_382_884.123456),
            kind: .progress(JobProgressState(status: .processing, fraction: 0.45, currentStep: 9, totalSteps: 20)))
        let text = ServerMessage.job(event).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "progress_update")
        #expect(object["timestamp"] as? String == "2025-10-02T05:28:04.123456+00:00")
        let data = try #require(object["data"] as? [String: Any])
        #expect(Set(data.keys) == [
            "job_id", "seq", "progress", "status", "current_step", "total_steps", "eta_seconds", "preview_image",
            "error_message", "queue_position",
        ])
        #expect(data["progress"] as? Double == 0.45)
        #expect(data["eta_seconds"] is NSNull)
    }
}
