/// Which kind of server an `SDNextClient` talks to; their progress numbers and responses differ.
///
/// SD.Next since 2025-09-15 resets its progress at every stage; SD.Next up to 2025-08-20 and A1111 count
/// progress over the whole request (A1111 with its own formula). Only SD.Next has `/sdapi/v1/version`.
public enum BackendFlavor: String, Sendable, Equatable, CaseIterable {
    /// SD.Next with per-stage progress (releases from 2025-09-15).
    case sdnext
    /// SD.Next with per-request, cumulative progress (releases up to 2025-08-20).
    case sdnextLegacy = "sdnext-legacy"
    /// AUTOMATIC1111's stable-diffusion-webui.
    case a1111

    /// The flavor a `/sdapi/v1/version` answer stands for.
    public init(version: VersionInfo) {
        self = version.hasPerStageProgress ? .sdnext : .sdnextLegacy
    }

    /// The rate limit a server applies when its options do not name one: SD.Next's default 300 per minute
    /// (`server_rate_limit` appears in the options only once changed); legacy SD.Next and A1111 have none.
    var defaultRateLimit: Int? { self == .sdnext ? 300 : nil }
}

extension SDNextClient {
    /// Asks the server what it is: A1111 answers `/sdapi/v1/version` with 404, SD.Next with its release date.
    /// Paced like every call, as health checks ask it again and again.
    public func detectFlavor() async throws -> BackendFlavor {
        try Self.flavor(of: try await send(.GET, "/sdapi/v1/version", timeout: configuration.requestTimeout))
    }

    /// `detectFlavor` without pacing, for the pacer's own look-up of the server's limit.
    func detectFlavorUnpaced() async throws -> BackendFlavor {
        try Self.flavor(of: try await sendUnpaced(.GET, "/sdapi/v1/version", timeout: configuration.requestTimeout))
    }

    static func flavor(of response: RawResponse) throws -> BackendFlavor {
        if response.status == 404 { return .a1111 }
        return BackendFlavor(version: VersionInfo(json: try decodeJSON(try checkStatus(response))))
    }
}
