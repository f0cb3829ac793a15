import DynamicJSON
import EaselCore
import EaselProtocol
import Foundation
import Testing

@Suite struct QueueRequestTests {
    private func request(_ text: String) throws -> QueueRequest {
        guard case .request(let request) = try ClientMessage.parse(text).get() else { throw ProtocolError(.invalidMessage, "not a request") }
        return request
    }

    @Test func eachRequestIsReadWithItsRequestID() throws {
        let move = try request(#"{"type":"move","request_id":"r1","job_id":"j-1","to":{"before":"j-2"}}"#)
        #expect(move == QueueRequest(requestID: "r1", operation: .move(JobID(rawValue: "j-1"), to: .before(JobID(rawValue: "j-2")))))
        let top = try request(#"{"type":"move","job_id":"j-1","to":"top"}"#)
        #expect(top.operation == .move(JobID(rawValue: "j-1"), to: .top) && top.requestID == nil)
        let priority = try request(#"{"type":"reprioritize","request_id":"r2","job_ids":["a","b","a"],"priority":-5}"#)
        #expect(priority.operation == .reprioritize(jobIDs: [JobID(rawValue: "a"), JobID(rawValue: "b")], priority: -5))
        let cancel = try request(#"{"type":"cancel","batch_id":"batch_x"}"#)
        #expect(cancel.operation == .cancel(jobIDs: [], batchID: BatchID(rawValue: "batch_x")))
        let submit = try request(#"{"type":"submit","request_id":"r3","job":{"prompt":"a cat"},"priority":2}"#)
        #expect(submit.operation == .submit(["job": .object(["prompt": .string("a cat")]), "priority": .number(2)]))
    }

    @Test func aRequestEncodesBackToWhatItParsesFrom() throws {
        let original = QueueRequest(requestID: "r9", operation: .cancel(jobIDs: [JobID(rawValue: "a")], batchID: BatchID(rawValue: "batch_b")))
        #expect(try ClientMessage.parse(ClientMessage.request(original).encoded()).get() == .request(original))
    }

    @Test(arguments: [
        #"{"type":"move","request_id":"r","job_id":"j","to":"middle"}"#,
        #"{"type":"move","request_id":"r","to":"top"}"#,
        #"{"type":"reprioritize","request_id":"r","job_ids":["a"],"priority":1.5}"#,
        #"{"type":"reprioritize","request_id":"r","job_ids":["a"],"priority":101}"#,
        #"{"type":"reprioritize","request_id":"r","job_ids":[],"priority":1}"#,
        #"{"type":"cancel","request_id":"r"}"#,
        #"{"type":"cancel","request_id":"r","batch_id":5}"#,
        #"{"type":"submit","request_id":"r","job":"a cat"}"#,
    ])
    func badRequestsAreInvalidAndCarryTheRequestID(_ text: String) throws {
        let error = try #require(ClientMessage.parse(text).failure)
        #expect(error.code == .invalidRequest && error.requestID == "r")
    }

    @Test func aBadRequestIDIsRefused() throws {
        let error = try #require(ClientMessage.parse(#"{"type":"cancel","request_id":7,"job_ids":["a"]}"#).failure)
        #expect(error.code == .invalidRequest && error.message.contains("request_id"))
    }

    @Test func subscribeToBatchesAloneFollowsNoSingleJob() throws {
        let message = try ClientMessage.parse(#"{"type":"subscribe","batch_ids":["batch_1"]}"#).get()
        #expect(message == .subscribe(Subscription(.jobs([]), batchIDs: [BatchID(rawValue: "batch_1")])))
    }

    @Test func repliesAndErrorsEchoTheRequestID() throws {
        let reply = ServerMessage.reply(QueueReply(requestID: "r1", .moved(JobID(rawValue: "j"), priority: 3))).encoded()
        #expect(reply.contains(#""type":"moved""#) && reply.contains(#""request_id":"r1""#) && reply.contains(#""priority":3"#))
        let error = ServerMessage.error(ProtocolError(.init(rawValue: "job_not_queued"), "no", requestType: "move", requestID: "r2")).encoded()
        #expect(error.contains(#""code":"job_not_queued""#) && error.contains(#""request_id":"r2""#))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
