import EaselClient
import EaselProtocol
import Testing

@Suite struct MetricsPanelTests {
    /// A `metrics_update` as the server writes it.
    private func update(queued: Int, completedPerMinute: Int, paused: Bool = false) throws -> MetricsSnapshot {
        let text = """
            {"type":"metrics_update","timestamp":"2026-12-01T21:00:00.000000+00:00","data":{
             "interval_seconds":1,"queue":{"paused":\(paused),"depth":{"queued":\(queued),"processing":1,"completed":40,"failed":2,"cancelled":0}},
             "jobs":{"completed_per_minute":\(completedPerMinute),"failed_per_minute":1},
             "wait_seconds":{"p50":0.42,"p95":1.9},"run_seconds":{"p50":3.06,"p95":null},
             "sockets":{"connections":3,"metrics_subscribers":1,"subscribed_jobs":2},
             "backends":[
              {"id":"0","url":"http://127.0.0.1:7860","state":"busy","current_job":"916f6f42-c094-4e5c-bbdc-5f99779430fd",
               "loaded_model":"sd15 [abc]","steps_per_second":12.34},
              {"id":"1","url":"http://127.0.0.1:7861","state":"down","current_job":null,"loaded_model":null,"steps_per_second":null}]}}
            """
        guard case .metricsUpdate(let snapshot) = try ServerMessage.decode(text) else { throw PanelFailure() }
        return snapshot
    }

    private struct PanelFailure: Error {}

    @Test func drawsQueueTimesSocketsAndOneLinePerBackend() throws {
        var panel = MetricsPanel()
        #expect(panel.lines(width: 100) == ["waiting for the first metrics update…"])
        panel.apply(try update(queued: 3, completedPerMinute: 12))
        let lines = panel.lines(width: 120)
        #expect(lines[0] == "queue running  queued 3  processing 1  completed 40  failed 2  cancelled 0")
        #expect(lines[2].hasSuffix("completed 12/min  failed 1/min"))
        #expect(lines[3] == "wait p50 0.4s p95 1.9s   run p50 3.1s p95 –")
        #expect(lines[4] == "sockets 3  metrics 1  jobs followed 2")
        #expect(lines[5] == "backend 0 busy         http://127.0.0.1:7860  job 916f6f42  model sd15 [abc]  12.3 steps/s")
        #expect(lines[6] == "backend 1 down         http://127.0.0.1:7861")
    }

    @Test func sparklinesFollowTheLastUpdatesAndLinesFitTheWidth() throws {
        var panel = MetricsPanel()
        for queued in [0, 7, 14, 7] { panel.apply(try update(queued: queued, completedPerMinute: 5, paused: queued == 7)) }
        let lines = panel.lines(width: 40)
        #expect(lines[0].hasPrefix("queue PAUSED"))
        #expect(lines[1] == "queued    ▁▄█▄")
        #expect(lines[2].hasPrefix("done/min  ████"))
        #expect(lines.allSatisfy { $0.count <= 40 })
        for _ in 0..<(MetricsPanel.historyLength + 5) { panel.apply(try update(queued: 1, completedPerMinute: 0)) }
        #expect(panel.lines(width: 200)[1] == "queued    " + String(repeating: "█", count: MetricsPanel.historyLength))
    }
}
