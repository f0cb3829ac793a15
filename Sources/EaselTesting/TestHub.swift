import AsyncHTTPClient
import DynamicJSON
import DynamicJSON
import EaselServer
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SDNext
import SDNextEmulator
import ServiceLifecycle

/// A running Easel server for one test, on an ephemeral port, over its own data folder.
public struct TestHub: Sendable {
    public let port: Int
    public let dataDirectory: URL

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var socketURL: String { "ws://127.0.0.1:\(port)/api/v1/ws/progress" }

    /// Sends a request and decodes the JSON answer (`.null` for an empty body).
    public func request(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, body: JSONValue) {
        let (status, data) = try await raw(method, path, json: json)
        let body = data.isEmpty ? JSONValue.null : try JSONDecoder().decode(JSONValue.self, from: data)
        return (status, body)
    }

    public func raw(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, data: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(buffer: body))
    }

    /// Queues a job and returns its id.
    public func queue(_ parameters: String, query: String = "") async throws -> String {
        let (status, body) = try await request(.POST, "/api/v1/generation/queue-generation\(query)", json: parameters)
        guard status == 200, let id = body["delivery_id"]?.string else { throw TestFailure("queue failed: \(status) \(body)") }
        return id
    }
}

/// Starts `count` emulators, runs `body`, stops them.
@discardableResult
public func withEmulators<Result: Sendable>(
    count: Int, stepMilliseconds: Int = 10, flavor: Flavor = .sdnext,
    _ body: ([RunningEmulator]) async throws -> Result
) async throws -> Result {
    var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(stepMilliseconds))
    configuration.flavor = flavor
    configuration.samplesFormat = flavor.defaultSamplesFormat
    return try await withSDNextEmulators(
        count: count, configuration: configuration, logger: Logger(label: "test-emulator"), body)
}

/// Starts Easel on the given backends, runs `body`, then stops it; nothing is left running.
@discardableResult
public func withHub<Result: Sendable>(
    backends: [String],
    dataDirectory: URL? = nil,
    configure: (inout EaselConfiguration) -> Void = { _ in },
    _ body: (TestHub) async throws -> Result
) async throws -> Result {
    let folder = dataDirectory ?? FileManager.default.temporaryDirectory
        .appendingPathComponent("easel-test-\(UUID().uuidString)", isDirectory: true)
    var configuration = EaselConfiguration()
    configuration.port = 0
    configuration.backendURLs = backends
    configuration.dataDirectory = folder.path
    configuration.worker.pollInterval = .milliseconds(40)
    configuration.worker.cancelPollInterval = .milliseconds(40)
    configuration.worker.interruptInterval = .milliseconds(100)
    // Retries wait a tenth of a second, not seconds, so that tests of failures do not sit out real backoffs.
    configuration.worker.retryBackoff.base = .milliseconds(100)
    configuration.worker.retryBackoff.cap = .milliseconds(400)
    configure(&configuration)
    var logger = Logger(label: "test-hub")
    logger.logLevel = .warning
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let server = EaselHub(configuration: configuration, logger: logger) { portContinuation.yield($0) }
    let services = ServiceGroup(configuration: .init(services: [server], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.next()
            throw TestFailure("Easel stopped before it listened")
        }
        do {
            let result = try await body(TestHub(port: port, dataDirectory: folder))
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
