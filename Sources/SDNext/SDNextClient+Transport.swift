import AsyncHTTPClient
import DynamicJSON
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A complete HTTP answer: status and the whole body.
struct RawResponse: Sendable {
    let status: Int
    let body: ByteBuffer
    /// The route asked, without the query.
    let path: String

    var text: String {
        String(buffer: body)
    }

    /// The body for `SDNextError.body`, capped so a huge answer does not end up in logs whole.
    var errorBodyText: String {
        let limit = 64 * 1024
        guard body.readableBytes > limit, let prefix = body.getString(at: body.readerIndex, length: limit) else {
            return text
        }
        return prefix + "…"
    }
}

/// Thrown by the timer child of `withTimeout` when it wins the race.
private struct TimeoutReached: Error {}

extension SDNextClient {
    /// Sends one request and collects the whole answer, within `timeout` from start to last body byte.
    ///
    /// Every failure comes out as `SDNextError` (or `CancellationError` when the caller was cancelled),
    /// including connection errors and timeouts, which the origin system let escape.
    func send(_ method: HTTPMethod, _ path: String, json body: Data? = nil, timeout: Duration) async throws -> RawResponse {
        let route = RequestBudget.route(of: path)
        try await pacer.admit(route, client: self)
        do {
            let response = try await sendUnpaced(method, path, json: body, timeout: timeout)
            await pacer.completed(route, refused: response.status == 429)
            return response
        } catch {
            await pacer.completed(route)
            throw error
        }
    }

    /// `send` without pacing: the pacer's own look-ups of the server's limit go this way.
    func sendUnpaced(_ method: HTTPMethod, _ path: String, json body: Data? = nil, timeout: Duration) async throws
        -> RawResponse
    {
        let route = RequestBudget.route(of: path)
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let credentials = configuration.credentials {
            request.headers.add(name: "Authorization", value: credentials.authorizationHeader)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        logger.debug("SD.Next request", metadata: ["sdnext.method": "\(method.rawValue)", "sdnext.path": "\(path)"])
        let limit = configuration.maxResponseBytes
        let nioTimeout = TimeAmount(timeout)
        do {
            let response = try await Self.withTimeout(timeout) { [httpClient, logger, request] in
                let response = try await httpClient.execute(request, deadline: .now() + nioTimeout, logger: logger)
                let collected = try await response.body.collect(upTo: limit)
                return RawResponse(status: Int(response.status.code), body: collected, path: route)
            }
            logger.debug("SD.Next response", metadata: ["sdnext.path": "\(path)", "sdnext.status": "\(response.status)"])
            return response
        } catch {
            let mapped = Self.classify(error, timeout: timeout, limit: limit)
            logger.debug("SD.Next request failed", metadata: ["sdnext.path": "\(path)", "sdnext.error": "\(mapped)"])
            throw mapped
        }
    }

    /// Sends a request and decodes a 2xx JSON answer; any other status becomes `.httpStatus`.
    func sendForJSON(_ method: HTTPMethod, _ path: String, json body: Data? = nil, timeout: Duration) async throws -> JSONValue {
        let response = try await send(method, path, json: body, timeout: timeout)
        return try Self.decodeJSON(try Self.checkStatus(response))
    }

    /// Passes 2xx answers through and turns every other status into `.httpStatus` with SD.Next's reason
    /// (429 into `.rateLimited`, naming the path).
    static func checkStatus(_ response: RawResponse) throws(SDNextError) -> RawResponse {
        guard (200..<300).contains(response.status) else {
            let text = response.errorBodyText
            throw SDNextError(
                code: response.status == 429 ? .rateLimited : .httpStatus,
                status: response.status,
                body: text,
                message: ErrorBodyMessage.extract(from: text, status: response.status),
                path: response.path
            )
        }
        return response
    }

    static func decodeJSON(_ response: RawResponse) throws(SDNextError) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView))
        } catch {
            throw SDNextError(
                code: .decoding,
                status: response.status,
                body: response.errorBodyText,
                message: "SD.Next's answer is not valid JSON"
            )
        }
    }

    static func encodeJSON(_ value: some Encodable) throws(SDNextError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(value)
        } catch {
            throw SDNextError(code: .decoding, message: "Could not encode the request: \(error)")
        }
    }

    /// Races `operation` against a timer so the call returns by `timeout` even if the body stalls
    /// (AsyncHTTPClient's deadline only covers the response head).
    private static func withTimeout<Value: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask(operation: operation)
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TimeoutReached()
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw TimeoutReached() }
            return first
        }
    }

    /// Maps transport errors onto `SDNextError` codes.
    private static func classify(_ error: any Error, timeout: Duration, limit: Int) -> any Error {
        if Task.isCancelled {
            return CancellationError()
        }
        switch error {
        case let error as SDNextError:
            return error
        case is TimeoutReached:
            return SDNextError(code: .timeout, message: "SD.Next did not answer within \(timeout)")
        case is NIOTooManyBytesError:
            return SDNextError(code: .responseTooLarge, message: "SD.Next's answer is larger than \(limit) bytes")
        case let error as HTTPClientError:
            return classify(error, timeout: timeout)
        default:
            return SDNextError(code: .connection, message: "Could not talk to SD.Next: \(error)")
        }
    }

    private static func classify(_ error: HTTPClientError, timeout: Duration) -> SDNextError {
        if error == .readTimeout {
            return SDNextError(
                code: .timeout,
                message: "SD.Next sent nothing within the HTTP client's read timeout (HTTPClient.shared allows 90 s; "
                    + "use HTTPClient.Configuration.sdNext for long generations)"
            )
        }
        let timeouts: [HTTPClientError] = [.deadlineExceeded, .writeTimeout, .getConnectionFromPoolTimeout]
        let badURLs: [HTTPClientError] = [.invalidURL, .emptyHost, .emptyScheme]
        if timeouts.contains(error) {
            return SDNextError(code: .timeout, message: "SD.Next did not answer within \(timeout)")
        }
        if badURLs.contains(error) {
            return SDNextError(code: .invalidURL, message: "Invalid SD.Next URL: \(error)")
        }
        return SDNextError(code: .connection, message: "Could not talk to SD.Next: \(error)")
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = nanoseconds.overflow ? .nanoseconds(.max) : .nanoseconds(nanoseconds.partialValue + attoseconds / 1_000_000_000)
    }
}
