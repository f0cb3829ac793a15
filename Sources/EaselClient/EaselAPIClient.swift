import AsyncHTTPClient
import EaselCore
import Foundation
import NIOCore
import NIOHTTP1

/// Easel's REST API for the command line and other Swift clients. Every failure comes out as a `ClientError`
/// whose message can be printed as is: unreachable server, unknown job, the server's own 422 text.
public struct EaselAPIClient: Sendable {
    public let endpoint: ServerEndpoint
    private let httpClient: HTTPClient
    private let timeout: TimeAmount

    /// Largest answer read from the server.
    static let maxBodySize = 64 << 20

    /// - Parameters:
    ///   - httpClient: the caller owns its lifetime; `withClient` makes one that fails fast.
    ///   - timeout: for each whole request. Default 30 s.
    public init(endpoint: ServerEndpoint, httpClient: HTTPClient, timeout: TimeAmount = .seconds(30)) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.timeout = timeout
    }

    /// Runs `body` with a client whose HTTP connections are not retried: a person asking a stopped server
    /// should hear so at once, not after the whole request timeout. The HTTP client is shut down afterwards.
    public static func withClient<Result>(
        endpoint: ServerEndpoint, _ body: (EaselAPIClient) async throws -> Result
    ) async throws -> Result {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return try await HTTPClient.withHTTPClient(configuration: configuration) { httpClient in
            try await body(EaselAPIClient(endpoint: endpoint, httpClient: httpClient))
        }
    }

    /// Queues a generation and returns the new job's id.
    public func queue(_ parameters: GenerationParameters, priority: Int? = nil) async throws(ClientError) -> JobID {
        let body: Data
        do { body = try JSONEncoder().encode(parameters) } catch {
            throw ClientError(.invalidInput, "cannot encode the parameters: \(error)")
        }
        let query = priority.map { "?priority=\($0)" } ?? ""
        let (status, data) = try await send(.POST, "/api/v1/generation/queue-generation\(query)", body: body)
        try check(status, data, what: "the generation")
        return JobID(rawValue: try decode(QueuedJob.self, from: data).deliveryId)
    }

    /// One job, or `notFound` when the server does not know it.
    public func job(_ id: JobID) async throws(ClientError) -> JobDetail {
        let (status, data) = try await send(.GET, "/api/v1/generation/jobs/\(id.rawValue)")
        try check(status, data, what: "job \(id)")
        return try decode(JobEnvelope.self, from: data).delivery
    }

    /// Jobs queued or running, oldest first.
    public func activeJobs() async throws(ClientError) -> [ActiveJob] {
        let (status, data) = try await send(.GET, "/api/v1/generation/jobs/active")
        try check(status, data, what: "the active jobs")
        return try decode([ActiveJob].self, from: data)
    }

    /// The most recent finished jobs with images, newest first.
    public func recentResults(limit: Int = 10) async throws(ClientError) -> [ResultSummary] {
        let (status, data) = try await send(.GET, "/api/v1/generation/results?limit=\(limit)")
        try check(status, data, what: "the results")
        return try decode([ResultSummary].self, from: data)
    }

    /// Cancels a queued or running job; returns the server's confirmation text.
    public func cancel(_ id: JobID) async throws(ClientError) -> String {
        let (status, data) = try await send(.POST, "/api/v1/generation/jobs/\(id.rawValue)/cancel")
        try check(status, data, what: "job \(id)")
        let answer = try decode(CancelAnswer.self, from: data)
        return answer.message ?? answer.status ?? "cancelled"
    }

    /// The SD.Next backends and their health.
    public func backends() async throws(ClientError) -> BackendReport {
        let (status, data) = try await send(.GET, "/api/v1/generation/backends")
        try check(status, data, what: "the backends")
        return try decode(BackendReport.self, from: data)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws(ClientError)
        -> (status: Int, data: Data)
    {
        var request = HTTPClientRequest(url: endpoint.url(path))
        request.method = method
        request.headers.add(name: "accept", value: "application/json")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maxBodySize)
            return (Int(response.status.code), Data(bytes.readableBytesView))
        } catch {
            throw ClientError.unreachable(endpoint, error)
        }
    }

    /// Turns an error status into the matching `ClientError`, worded from the server's own `title`.
    private func check(_ status: Int, _ data: Data, what: String) throws(ClientError) {
        guard status >= 300 else { return }
        let problem = try? JSONDecoder().decode(ProblemBody.self, from: data)
        let title = problem?.title ?? String(decoding: data.prefix(200), as: UTF8.self)
        switch status {
        case 404:
            throw ClientError(.notFound, "\(what) not found on \(endpoint)")
        case 422:
            throw ClientError(.rejected, "invalid parameters: \(title)")
        case 400..<500:
            throw ClientError(.rejected, "the server refused: \(title) (HTTP \(status))")
        default:
            throw ClientError(.server, "the server failed: \(title) (HTTP \(status))")
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(ClientError) -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(type, from: data) } catch {
            throw ClientError(.server, "unexpected answer from \(endpoint): \(error)")
        }
    }
}
