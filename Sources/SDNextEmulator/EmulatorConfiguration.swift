/// Image encoding for generated samples, as SD.Next's `samples_format` option (default `jpg`).
public enum SamplesFormat: String, Sendable, Codable, CaseIterable {
    case jpg
    case png
}

/// HTTP Basic credentials; when set, every SD.Next route requires them (as `--auth` does).
public struct EmulatorCredentials: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// Faults the emulator injects, switchable at run time through `/emulator/faults`.
///
/// Each flag reproduces a failure a client meets with a real SD.Next, so the client's handling of
/// it can be tested without a GPU. Field names are the JSON keys of the control route.
public struct FaultSettings: Sendable, Codable, Equatable {
    /// Generation → 500 with SD.Next's `RuntimeError` body, leaving a stale job in progress.
    public var serverError = false
    /// Generation → 200 with `images: []` and `info: ""` (no model loaded, OOM).
    public var emptyImages = false
    /// Generation stalls in `Inference` until interrupted or the fault is cleared.
    public var hang = false
    /// Every response is delayed by this many milliseconds.
    public var responseDelayMs = 0
    /// Generation: the connection closes part way through the response body.
    public var dropConnection = false
    /// `/sdapi/v1/progress` → 500.
    public var progressFailure = false
    /// Every `/sdapi` call → 429 after its handler ran.
    public var rateLimited = false
    /// The next request stops the server (library) or exits the process (executable).
    public var exitProcess = false
    /// Message used by `serverError`.
    public var errorMessage = "CUDA out of memory"

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultSettings()
        serverError = try container.decodeIfPresent(Bool.self, forKey: .serverError) ?? defaults.serverError
        emptyImages = try container.decodeIfPresent(Bool.self, forKey: .emptyImages) ?? defaults.emptyImages
        hang = try container.decodeIfPresent(Bool.self, forKey: .hang) ?? defaults.hang
        responseDelayMs = try container.decodeIfPresent(Int.self, forKey: .responseDelayMs) ?? defaults.responseDelayMs
        dropConnection = try container.decodeIfPresent(Bool.self, forKey: .dropConnection) ?? defaults.dropConnection
        progressFailure = try container.decodeIfPresent(Bool.self, forKey: .progressFailure) ?? defaults.progressFailure
        rateLimited = try container.decodeIfPresent(Bool.self, forKey: .rateLimited) ?? defaults.rateLimited
        exitProcess = try container.decodeIfPresent(Bool.self, forKey: .exitProcess) ?? defaults.exitProcess
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage) ?? defaults.errorMessage
    }
}

/// Everything the emulator needs to start; defaults mirror a stock SD.Next on its default port.
public struct EmulatorConfiguration: Sendable {
    /// Bind address (SD.Next binds 127.0.0.1 unless `--listen`).
    public var host = "127.0.0.1"
    /// Port; 0 picks an ephemeral port, reported through `onListening`.
    public var port = 7860
    /// Basic auth credentials; nil serves without auth.
    public var credentials: EmulatorCredentials? = nil
    /// Time per sampling step inside `Inference`.
    public var stepDuration: Duration = .milliseconds(50)
    /// Time each non-sampling stage and each gap between stages lasts.
    public var stageGap: Duration = .milliseconds(10)
    /// Time the `Load model` stage lasts.
    public var modelLoadDuration: Duration = .milliseconds(300)
    /// Initial `samples_format` option (the init's default is the flavor's: jpg, png on A1111).
    public var samplesFormat: SamplesFormat = .jpg
    /// Faults active from the start.
    public var faults = FaultSettings()
    /// Cost units per `rateLimitPeriod` per (client IP, path): the initial `server_rate_limit`; nil disables the
    /// limiter. Only the `sdnext` flavor has a limiter.
    public var rateLimitPerMinute: Int? = 300
    /// The limiter's window: a minute, as SD.Next's; tests shorten it so a full window passes quickly.
    public var rateLimitPeriod: Duration = .seconds(60)
    /// The server impersonated: today's SD.Next, SD.Next 2025-08 or A1111.
    public var flavor: Flavor = .sdnext
    /// Checkpoint names this emulator has (the first is loaded at start); nil keeps the built-in catalogue.
    public var models: [String]? = nil
    /// LoRA names this emulator has; nil keeps the built-in catalogue.
    public var loras: [String]? = nil

    public init(
        host: String = "127.0.0.1",
        port: Int = 7860,
        credentials: EmulatorCredentials? = nil,
        stepDuration: Duration = .milliseconds(50),
        stageGap: Duration = .milliseconds(10),
        modelLoadDuration: Duration = .milliseconds(300),
        samplesFormat: SamplesFormat? = nil,
        faults: FaultSettings = FaultSettings(),
        rateLimitPerMinute: Int? = 300,
        flavor: Flavor = .sdnext
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.stepDuration = stepDuration
        self.stageGap = stageGap
        self.modelLoadDuration = modelLoadDuration
        self.samplesFormat = samplesFormat ?? flavor.defaultSamplesFormat
        self.faults = faults
        self.rateLimitPerMinute = rateLimitPerMinute
        self.flavor = flavor
    }
}
