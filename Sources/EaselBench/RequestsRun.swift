import AsyncHTTPClient
import EaselBenchKit
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Synchronization

/// Socket request → reply at `--subscribers` connected subscribers (each following every job, so each submit is
/// broadcast to all of them): one client sends `--submits` requests one after another, cycling `submit`,
/// `reprioritize` and `move` on the jobs it submitted, and times each from the send to the reply that carries its
/// `request_id`, paced under the server's per-connection message rate (20 a second). The queue is paused, so the
/// figures are the socket's and the store's, not the backends'. The target: p99 ≤ 5 ms at 1,000 subscribers.
struct RequestsRun {
    let settings: BenchSettings

    func run() async throws -> BenchReport {
        let count = min(settings.subscribers, settings.openFileLimit - IdleConnectionsRun.reservedDescriptors)
        let workload = Workload(concurrentJobs: 1, updatesPerSecond: 4, runSeconds: 1)
        return try await withBenchServer(settings, workload: workload) { server, hub in
            try await post("http://127.0.0.1:\(server.port)/api/v1/generation/queue/pause")
            return try await withSubscriberPool(
                serverPort: server.port, threads: settings.clientThreads, sourceAddressCount: settings.sourceAddresses
            ) { pool in
                let failures = await pool.connect(0..<count, concurrency: 256) { _ in
                    SubscriberBehavior(subscribeMessage: #"{"type":"subscribe","job_ids":null}"#, measured: false)
                }
                let confirmed = await pool.waitForConfirmations(count - failures, timeout: .seconds(120))
                let stats = try await hub.socketStats()
                let latencies = try await timeRequests(port: server.port)
                var notes: [String] = []
                if !confirmed { notes.append("only \(pool.counters.confirmations) subscriptions were confirmed") }
                var metrics = [
                    Metric("subscribers connected", Double(stats.connections), "conn"),
                    Metric("connect failures", Double(failures), "conn"),
                ]
                for (operation, samples) in latencies.sorted(by: { $0.key < $1.key }) {
                    metrics.append(Metric("\(operation) replies", Double(samples.count), "msg"))
                    metrics.append(Metric("\(operation) reply p50", percentile(50, of: samples), "ms"))
                    metrics.append(Metric("\(operation) reply p99", percentile(99, of: samples), "ms", target: "≤ 5"))
                }
                let all = latencies.values.flatMap { $0 }
                metrics.append(Metric("any request reply p99", percentile(99, of: all), "ms", target: "≤ 5"))
                return BenchReport(
                    scenario: "requests",
                    parameters: ["subscribers": "\(count)", "requests": "\(settings.submits)"],
                    metrics: metrics,
                    notes: notes)
            }
        }
    }

    /// Sends the requests one at a time; per operation, each one's send → reply time in milliseconds.
    private func timeRequests(port: Int) async throws -> [String: [Double]] {
        let total = settings.submits
        let measured = Mutex<[String: [Double]]?>(nil)
        try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)/api/v1/ws/progress", configuration: .init(maxFrameSize: 1 << 22),
            logger: Logger(label: "bench-requester")
        ) { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
            var latencies: [String: [Double]] = [:]
            var jobs: [String] = []
            let clock = ContinuousClock()
            var pace = clock.now
            for index in 0..<total {
                try await clock.sleep(until: pace)
                let id = "r\(index)"
                let (operation, text) = request(index, id: id, jobs: jobs)
                let sent = clock.now
                try await outbound.write(.text(text))
                defer { pace = sent + Self.requestSpacing }
                while true {
                    guard case .text(let frame)? = try await messages.next() else { throw HubError(description: "the socket closed") }
                    if frame.contains("\"code\":\"rate_limited\"") { throw HubError(description: "the requester was rate limited") }
                    guard frame.contains("\"request_id\":\"\(id)\"") else { continue }
                    let elapsed = clock.now - sent
                    let object = try JSONSerialization.jsonObject(with: Data(frame.utf8)) as? [String: Any]
                    guard let type = object?["type"] as? String, type != "error" else {
                        throw HubError(description: "request \(text) was refused: \(frame)")
                    }
                    if let job = (object?["data"] as? [String: Any])?["job_id"] as? String, type == "submitted" { jobs.append(job) }
                    latencies[operation, default: []].append(Double(elapsed.components.attoseconds) / 1e15
                        + Double(elapsed.components.seconds) * 1000)
                    break
                }
            }
            measured.withLock { $0 = latencies }
        }
        guard let result = measured.withLock({ $0 }) else { throw HubError(description: "the requester did not finish") }
        return result
    }

    /// Below the server's 20 messages a second per connection.
    static let requestSpacing = Duration.milliseconds(60)

    /// Every third request is a submit; the others reprioritise or move one of the jobs submitted so far.
    private func request(_ index: Int, id: String, jobs: [String]) -> (operation: String, text: String) {
        guard index % 3 != 0, let job = jobs.randomElement() else {
            return ("submit", #"{"type":"submit","request_id":"\#(id)","job":{"prompt":"bench \#(index)","steps":4,"width":64,"height":64}}"#)
        }
        if index % 3 == 1 {
            return ("reprioritize", #"{"type":"reprioritize","request_id":"\#(id)","job_ids":["\#(job)"],"priority":\#(index % 7)}"#)
        }
        return ("move", #"{"type":"move","request_id":"\#(id)","job_id":"\#(job)","to":"top"}"#)
    }

    private func percentile(_ rank: Double, of samples: [Double]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((rank / 100 * Double(sorted.count)).rounded(.up)) - 1)]
    }

    private func post(_ url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard (200..<300).contains(Int(response.status.code)) else { throw HubError(description: "\(url) answered \(response.status)") }
    }
}
