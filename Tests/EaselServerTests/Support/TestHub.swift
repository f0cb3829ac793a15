import AsyncHTTPClient
import EaselServer
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SDNext
import SDNextEmulator
import ServiceLifecycle

/// A running Easel server for one test, on an ephemeral port, over its own data folder.
struct TestHub: Sendable {
    let port: Int
    let dataDirectory: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var socketURL: String { "ws://127.0.0.1:\(port)/api/v1/ws/progress" }

    /// Sends a request and decodes the JSON answer (`.null` for an empty body).
    func request(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, body: JSONValue) {
        let (status, data) = try await raw(method, path, json: json)
        let body = data.isEmpty ? JSONValue.null : try JSONDecoder().decode(JSONValue.self, from: data)
        return (status, body)
    }

    func raw(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, data: Data) {
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
    func queue(_ parameters: String, query: String = "") async throws -> String {
        let (status, body) = try await request(.POST, "/api/v1/generation/queue-generation\(query)", json: parameters)
        guard status == 200, let id = body["delivery_id"]?.string else { throw TestFailure("queue failed: \(status) \(body)") }
        return id
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Fast emulator settings for tests: short steps and no rate limit (tests poll faster than SD.Next allows).
func testEmulatorConfiguration(stepMilliseconds: Int = 10) -> EmulatorConfiguration {
    EmulatorConfiguration(port: 0, stepDuration: .milliseconds(stepMilliseconds), stageGap: .milliseconds(2),
                          modelLoadDuration: .milliseconds(20), rateLimitPerMinute: nil)
}

/// Starts `count` emulators, runs `body`, stops them.
@discardableResult
func withEmulators<Result: Sendable>(
    count: Int, stepMilliseconds: Int = 10, _ body: ([RunningEmulator]) async throws -> Result
) async throws -> Result {
    guard count > 0 else { return try await body([]) }
    return try await withSDNextEmulator(configuration: testEmulatorConfiguration(stepMilliseconds: stepMilliseconds),
                                        logger: Logger(label: "test-emulator")) { first in
        try await withEmulators(count: count - 1, stepMilliseconds: stepMilliseconds) { rest in
            try await body([first] + rest)
        }
    }
}

/// Starts Easel on the given backends, runs `body`, then stops it; nothing is left running.
@discardableResult
func withHub<Result: Sendable>(
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
    configuration.worker.interruptInterval = .milliseconds(100)
    configure(&configuration)
    var logger = Logger(label: "test-hub")
    logger.logLevel = .warning
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    let server = EaselServer(configuration: configuration, logger: logger) { portContinuation.yield($0) }
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

/// Re-checks `condition` until it holds or `seconds` pass: for state that other tasks change (a health check).
func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return false
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var string: String? { if case .string(let value) = self { value } else { nil } }
    var double: Double? { if case .number(let value) = self { value } else { nil } }
    var int: Int? { double.map { Int($0) } }
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var isNull: Bool { self == .null }
}
