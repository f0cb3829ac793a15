import AsyncHTTPClient
import EaselBenchKit
import Foundation
import NIOCore

/// The generation calls the gateway scenario times, each an SD.Next-shaped POST answered with images. It has an
/// HTTP client of its own: the shared one keeps at most 8 connections per host, so a burst of 50 calls would queue
/// in the benchmark instead of in Easel. Use it through `withGenerationCaller`, which shuts the client down.
struct GenerationCaller: Sendable {
    let client: HTTPClient

    /// What one call gave. The clock stops when the whole body has arrived, before it is parsed.
    struct Outcome: Sendable {
        var duration: Duration
        var problem: String?
        /// The Easel job that ran the call: the gateway's `X-Easel-Job-Id` header, or Easel's own `job_id`.
        var jobID: String?
        /// Wall-clock times, comparable with the job's record on this machine.
        var sent: Date
        var received: Date
    }

    /// The header in which the gateway names the job a call ran as.
    static let jobIDHeader = "X-Easel-Job-Id"

    /// POSTs `body` to `url`; succeeds on a 200 whose body has at least one image.
    func call(_ url: String, body: ByteBuffer) async -> Outcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let clock = ContinuousClock()
        let (start, sent) = (clock.now, Date())
        do {
            let response = try await client.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let (duration, received) = (clock.now - start, Date())
            var outcome = Outcome(
                duration: duration, jobID: response.headers.first(name: Self.jobIDHeader), sent: sent, received: received)
            guard response.status == .ok else {
                outcome.problem = "\(response.status.code): \(String(buffer: bytes).prefix(200))"
                return outcome
            }
            let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]
            if (object?["images"] as? [Any] ?? []).isEmpty { outcome.problem = "200 without images" }
            outcome.jobID = outcome.jobID ?? object?["job_id"] as? String
            return outcome
        } catch {
            return Outcome(duration: clock.now - start, problem: "\(error)", sent: sent, received: Date())
        }
    }

    /// `count` unmeasured calls: connections opened and every first-time cost of both processes paid.
    func warmUp(_ url: String, body: ByteBuffer, count: Int) async {
        for _ in 0..<count { _ = await call(url, body: body) }
    }

    /// `count` calls in sequence.
    func loop(_ url: String, body: ByteBuffer, count: Int) async -> CallSample {
        var sample = CallSample()
        let start = ContinuousClock.now
        for _ in 0..<count { sample.add(await call(url, body: body)) }
        sample.seconds = (ContinuousClock.now - start).inSeconds
        return sample
    }
}

/// Calls, timed one by one, and how long they took together.
struct CallSample: Sendable {
    var timing = TimingSample()
    var succeeded = 0
    var failed = 0
    var seconds = 0.0
    /// The first few failures' reasons, for the report's notes.
    var problems: [String] = []
    /// CPU time spent over the calls by this process (the client and the emulators) and by the server.
    var benchCPUSeconds = 0.0
    var serverCPUSeconds = 0.0
    /// The successful calls that named their job.
    var jobCalls: [(id: String, sent: Date, received: Date)] = []

    var perSecond: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }

    /// `seconds` spread over the calls, in milliseconds.
    func perCall(_ seconds: Double) -> Double { succeeded + failed > 0 ? seconds * 1000 / Double(succeeded + failed) : 0 }

    mutating func add(_ outcome: GenerationCaller.Outcome) {
        if let problem = outcome.problem {
            failed += 1
            if problems.count < 3 { problems.append(problem) }
        } else {
            succeeded += 1
            timing.record(outcome.duration)
            if let id = outcome.jobID { jobCalls.append((id, outcome.sent, outcome.received)) }
        }
    }
}

/// A `GenerationCaller` whose client allows `connections` connections per host; the client is shut down after `body`.
func withGenerationCaller<Result: Sendable>(
    connections: Int, _ body: (GenerationCaller) async throws -> Result
) async throws -> Result {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    do {
        let result = try await body(GenerationCaller(client: client))
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
