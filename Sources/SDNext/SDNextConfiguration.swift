import Foundation

/// HTTP Basic credentials. SD.Next protects its API with the same `--auth user:pass` as its UI.
public struct SDNextCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The value of the `Authorization` header.
    var authorizationHeader: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}

/// Where an SD.Next server is and how long to wait for it.
///
/// Generations are one long blocking POST (SD.Next answers only when the images are done, and waits for any
/// running job first), so they get their own long timeout; everything else answers at once and gets a short one.
public struct SDNextConfiguration: Sendable {
    /// Base URL such as `http://127.0.0.1:7860`: no credentials, no trailing slash. A path prefix is kept
    /// (for servers started with `--subpath`).
    public var baseURL: String
    /// Basic auth credentials sent with every request; nil sends none. Default nil.
    public var credentials: SDNextCredentials?
    /// Time allowed for a whole generation call (txt2img, img2img, control, and option changes that load a
    /// model), including time spent waiting for SD.Next's generation lock. Default 30 minutes.
    public var generationTimeout: Duration = .seconds(1800)
    /// Time allowed for every other call. Default 10 seconds.
    public var requestTimeout: Duration = .seconds(10)
    /// The largest response body accepted; bigger answers fail with `.responseTooLarge`. Default 256 MiB,
    /// room for a batch of large PNGs in base64.
    public var maxResponseBytes: Int = 256 * 1024 * 1024
    /// How calls are paced under the server's rate limit (SD.Next answers 429 beyond 300 cost units per
    /// minute per IP and path). Default `.automatic`: the server's own limit.
    public var pacing: RequestPacing = .automatic
    /// With `.automatic` pacing, how long after a failed look-up of the server's limit (its `/version` or
    /// `/options` erring) the client paces to the flavor's default before it asks again. Default 60 seconds.
    public var rateLimitLookupRetry: Duration = .seconds(60)

    public init(baseURL: String, credentials: SDNextCredentials? = nil) {
        self.baseURL = baseURL
        self.credentials = credentials
    }

    /// Parses a URL that may carry credentials, such as `http://user:pass@host:7860/`.
    ///
    /// Only `http` and `https` are accepted. Percent-escapes in the user and password are decoded; a
    /// trailing slash is dropped.
    public init(url: String) throws(SDNextError) {
        guard var components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)) else {
            throw Self.invalid("it is not a URL")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw Self.invalid("the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else {
            throw Self.invalid("it has no host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw Self.invalid("it must not have a query or fragment")
        }
        var credentials: SDNextCredentials?
        if let user = components.user {
            credentials = SDNextCredentials(
                username: user.removingPercentEncoding ?? user,
                password: components.password.map { $0.removingPercentEncoding ?? $0 } ?? ""
            )
        }
        components.user = nil
        components.password = nil
        components.scheme = scheme
        while components.path.hasSuffix("/") {
            components.path.removeLast()
        }
        guard let base = components.string else {
            throw Self.invalid("it cannot be rebuilt without credentials")
        }
        self.init(baseURL: base, credentials: credentials)
    }

    /// Never quotes the URL itself: it may contain a password.
    private static func invalid(_ reason: String) -> SDNextError {
        SDNextError(code: .invalidURL, message: "Invalid SD.Next URL: \(reason)")
    }
}
