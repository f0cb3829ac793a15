import EaselClient
import EaselCore
import EaselProtocol
import Foundation
import Testing

/// Client-side reading of the protocol: every server message decodes back to what was encoded.
@Suite struct WireDecodingTests {
    private let date = Date(timeIntervalSince1970: 1_759_382_884.123456)

    @Test(arguments: [
        ServerMessage.connected(connectionID: "c-1", epoch: "e-1"),
        .subscriptionConfirmed(jobIDs: nil, recovered: nil),
        .subscriptionConfirmed(jobIDs: ["a", "b"], recovered: ["a": true, "b": false]),
        .unsubscriptionConfirmed(jobIDs: ["a"]),
        .error(ProtocolError(.unknownJobs, "no such job", requestType: "subscribe")),
    ])
    func controlMessagesRoundTrip(message: ServerMessage) throws {
        #expect(try ServerMessage.decode(message.encoded(at: date)) == message)
    }

    @Test func jobEventsRoundTrip() throws {
        let job = JobID(rawValue: "job-1")
        let kinds: [JobEventKind] = [
            .started(GenerationParameters(prompt: "a fox", steps: 12)),
            .progress(JobProgressState(status: .processing, fraction: 0.5, currentStep: 6, totalSteps: 12, etaSeconds: 1.25)),
            .progress(JobProgressState(status: .processing, fraction: 0.75, previewImage: "/9j/preview")),
            .completed(JobCompletion(status: .completed, images: ["/img"], errorMessage: nil, totalDuration: 2.5,
                                     generationInfo: .object(["seed": .number(7)]))),
        ]
        for (index, kind) in kinds.enumerated() {
            let message = ServerMessage.job(JobEvent(jobID: job, seq: index + 1, timestamp: date, kind: kind))
            let decoded = try ServerMessage.decode(message.encoded())
            guard case .job(let event) = decoded else { Issue.record("not a job event: \(decoded)"); continue }
            #expect(event.kind == kind)
            #expect(event.seq == index + 1)
            #expect(abs(event.timestamp.timeIntervalSince(date)) < 0.000_01)
        }
    }

    @Test func junkAndUnknownTypesAreRejected() {
        #expect(throws: ProtocolError.self) { try ServerMessage.decode("nope") }
        #expect(throws: ProtocolError.self) { try ServerMessage.decode(#"{"type":"dance","data":{}}"#) }
        #expect(throws: ProtocolError.self) { try ServerMessage.decode(#"{"type":"progress_update","data":{"job_id":"a"}}"#) }
    }

    @Test func clientMessagesEncodeToWhatTheServerParses() throws {
        let resume = ResumePosition(epoch: "e-1", since: [JobID(rawValue: "a-1"): 4])
        let messages: [ClientMessage] = [
            .subscribe(Subscription(.allJobs)), .subscribe(Subscription(.jobs([JobID(rawValue: "a-1")]))),
            .subscribe(Subscription(.jobs([JobID(rawValue: "a-1")]), resume: resume, includePreviews: true)),
            .unsubscribe(.allJobs),
        ]
        for message in messages {
            #expect(try ClientMessage.parse(message.encoded()).get() == message)
        }
        #expect(ClientMessage.subscribe(Subscription(.allJobs)).encoded() == #"{"job_ids":null,"type":"subscribe"}"#)
    }

    @Test func serverAddressesAreNormalised() throws {
        let plain = try ServerEndpoint("127.0.0.1:8000")
        #expect(plain.baseURL == "http://127.0.0.1:8000")
        #expect(plain.socketURL == "ws://127.0.0.1:8000/api/v1/ws/progress")
        #expect(plain.url("/api/v1/generation/backends") == "http://127.0.0.1:8000/api/v1/generation/backends")
        #expect(try ServerEndpoint("https://easel.example/").socketURL == "wss://easel.example/api/v1/ws/progress")
        #expect(throws: ClientError.self) { try ServerEndpoint("ftp://host") }
        #expect(throws: ClientError.self) { try ServerEndpoint("http://host/some/path") }
    }
}
