import DynamicJSON
import EaselCore
import EaselProtocol
import Foundation
import Testing

@Suite struct MetricsMessageTests {
    @Test func metricsAloneSubscribesToNoJob() throws {
        #expect(try ClientMessage.parse(#"{"type":"subscribe","metrics":true}"#).get()
            == .subscribe(Subscription(nil, metrics: MetricsRequest(enabled: true))))
        #expect(try ClientMessage.parse(#"{"type":"subscribe","metrics":true,"metrics_interval":2.5}"#).get()
            == .subscribe(Subscription(nil, metrics: MetricsRequest(enabled: true, interval: 2.5))))
        #expect(try ClientMessage.parse(#"{"type":"subscribe","metrics":false}"#).get()
            == .subscribe(Subscription(nil, metrics: MetricsRequest(enabled: false))))
        // An explicit `job_ids: null` still means every job.
        #expect(try ClientMessage.parse(#"{"type":"subscribe","job_ids":null,"metrics":true}"#).get()
            == .subscribe(Subscription(.allJobs, metrics: MetricsRequest(enabled: true))))
        #expect(try ClientMessage.parse(#"{"type":"unsubscribe","metrics":true}"#).get() == .unsubscribeMetrics)
        #expect(try ClientMessage.parse(#"{"type":"unsubscribe","metrics":false,"job_ids":null}"#).get() == .unsubscribe(.allJobs))
    }

    @Test(arguments: [
        (#"{"type":"subscribe","metrics":"yes"}"#, ProtocolError.Code.invalidMetrics),
        (#"{"type":"subscribe","metrics":1}"#, .invalidMetrics),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":0.2}"#, .invalidMetricsInterval),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":60.5}"#, .invalidMetricsInterval),
        (#"{"type":"subscribe","metrics":true,"metrics_interval":"1"}"#, .invalidMetricsInterval),
        (#"{"type":"subscribe","metrics":false,"metrics_interval":1}"#, .invalidMetricsInterval),
        (#"{"type":"subscribe","metrics_interval":1}"#, .invalidMetricsInterval),
        (#"{"type":"unsubscribe","metrics":true,"job_ids":["a"]}"#, .invalidMetrics),
        (#"{"type":"unsubscribe","metrics":"all"}"#, .invalidMetrics),
    ])
    func badMetricsValuesAreRefusedPrecisely(text: String, code: ProtocolError.Code) {
        guard case .failure(let error) = ClientMessage.parse(text) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(error.code == code)
        #expect(error.requestType != nil)
    }

    @Test func subscribeEncodesAndParsesBack() throws {
        let subscription = Subscription(nil, metrics: MetricsRequest(enabled: true, interval: 5))
        #expect(try ClientMessage.parse(ClientMessage.subscribe(subscription).encoded()).get() == .subscribe(subscription))
        #expect(try ClientMessage.parse(ClientMessage.unsubscribeMetrics.encoded()).get() == .unsubscribeMetrics)
    }

    @Test func queueAndMetricsMessagesRoundTrip() throws {
        let snapshot = MetricsSnapshot(
            intervalSeconds: 1,
            backends: [.init(id: "0", url: "http://a:7860", state: "busy", currentJob: "j1", loadedModel: "m [h]", stepsPerSecond: 3.25)],
            queue: .init(paused: true, depth: ["queued": 4, "processing": 1]),
            jobs: .init(completedPerMinute: 7, failedPerMinute: 1),
            waitSeconds: .init(p50: 0.5, p95: nil), runSeconds: .init(p50: 2, p95: 3),
            sockets: .init(connections: 3, metricsSubscribers: 1, subscribedJobs: 2))
        let messages: [ServerMessage] = [
            .queuePaused, .queueResumed, .backendDrained(backendID: "1", url: "http://b"),
            .backendResumed(backendID: "1", url: "http://b"), .metricsUpdate(snapshot),
            .subscriptionConfirmed(jobIDs: [], recovered: nil, metricsInterval: 2),
        ]
        for message in messages { #expect(try ServerMessage.decode(message.encoded()) == message) }

        // Every key is present, `null` when empty, as everywhere in the protocol.
        let text = ServerMessage.metricsUpdate(snapshot).encoded()
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(json["type"] == .string("metrics_update"))
        #expect(json["data"]?["wait_seconds"]?["p95"] == .null)
        #expect(json["data"]?["backends"]?.arrayValue?.first?["steps_per_second"] == .number(3.25))
        #expect(json["data"]?["jobs"]?["completed_per_minute"] == .number(7))
        let paused = try JSONDecoder().decode(JSONValue.self, from: Data(ServerMessage.queuePaused.encoded().utf8))
        #expect(paused["data"]?["paused"] == .bool(true))
    }
}
