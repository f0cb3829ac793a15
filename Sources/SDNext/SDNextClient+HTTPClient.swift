import AsyncHTTPClient
import Logging
import NIOCore

extension HTTPClient.Configuration {
    /// An AsyncHTTPClient configuration suited to SD.Next.
    ///
    /// `HTTPClient.shared` gives up on a connection that stays silent for 90 seconds, and SD.Next sends nothing
    /// until a generation is done, so generations longer than that fail with `.timeout` on the shared client.
    /// This configuration has no read timeout (`SDNextConfiguration`'s timeouts bound every call instead) and
    /// fails at once with `.connection` when the server refuses connections, rather than retrying until the
    /// deadline. Use it with `HTTPClient.withHTTPClient(configuration: .sdNext) { ... }`.
    public static var sdNext: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: nil),
            decompression: .enabled(limit: .ratio(25))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

extension SDNextClient {
    /// Runs `body` with a client on its own `HTTPClient` (configured `.sdNext`), shut down when `body` returns.
    public static func withClient<Result>(
        configuration: SDNextConfiguration,
        logger: Logger = Logger(label: "sdnext"),
        _ body: (SDNextClient) async throws -> Result
    ) async throws -> Result {
        try await HTTPClient.withHTTPClient(configuration: .sdNext) { httpClient in
            try await body(SDNextClient(configuration: configuration, httpClient: httpClient, logger: logger))
        }
    }
}
