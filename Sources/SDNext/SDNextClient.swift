import AsyncHTTPClient
import DynamicJSON
import Logging

/// A typed client for one SD.Next server.
///
/// SD.Next runs one generation at a time behind a global lock and answers a generation POST only when it is
/// done, so generations use `configuration.generationTimeout` and everything else `requestTimeout`. The
/// POST returning is the only reliable completion signal: progress describes whatever holds the lock.
/// Every failure is an `SDNextError`, including "200 with no images", connection failures and timeouts.
public struct SDNextClient: Sendable {
    public let configuration: SDNextConfiguration
    let httpClient: HTTPClient
    let logger: Logger
    let pacer: RequestPacer

    public init(configuration: SDNextConfiguration, httpClient: HTTPClient = .shared, logger: Logger = Logger(label: "sdnext")) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        pacer = RequestPacer(pacing: configuration.pacing)
    }

    // MARK: Generation

    /// Runs a txt2img generation and waits for its images (including any wait for SD.Next's lock).
    public func txt2img(_ request: Txt2ImgRequest) async throws -> GenerationResult {
        let body = try await generate("/sdapi/v1/txt2img", request)
        return GenerationResult(images: body.images, parameters: body.parameters, info: body.info, rawInfo: body.rawInfo)
    }

    /// Runs an img2img generation and waits for its images.
    public func img2img(_ request: Img2ImgRequest) async throws -> GenerationResult {
        let body = try await generate("/sdapi/v1/img2img", request)
        return GenerationResult(images: body.images, parameters: body.parameters, info: body.info, rawInfo: body.rawInfo)
    }

    /// Runs a ControlNet generation through SD.Next's native `/sdapi/v1/control` route.
    public func control(_ request: ControlRequest) async throws -> ControlResult {
        let body = try await generate("/sdapi/v1/control", request)
        return ControlResult(
            images: body.images,
            processed: body.processed,
            parameters: body.parameters,
            info: body.info,
            rawInfo: body.rawInfo
        )
    }

    /// How long until this client's pacing would send a generation (txt2img, img2img or control) at once: a
    /// dispatcher waits this long before it takes a job for this server, so a job never waits on a paced backend
    /// while another could run it. Zero when a generation fits now, or before the server's limit is known.
    public func generationDelay() async -> Duration {
        .seconds(await pacer.delay(forAnyOf: ["/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/control"]))
    }

    private func generate(_ path: String, _ request: some Encodable) async throws -> GenerationResponseBody {
        let payload = try Self.encodeJSON(request)
        let response = try Self.checkStatus(try await send(.POST, path, json: payload, timeout: configuration.generationTimeout))
        return try GenerationResponseBody(json: try Self.decodeJSON(response), status: response.status, body: response.errorBodyText)
    }

    // MARK: Progress and control of the running job

    /// The current stage's progress. `skipCurrentImage` (default true) spares SD.Next encoding a preview.
    /// SD.Next rate-limits this route (300 cost per minute per IP); the client's pacing holds polls back when
    /// they would exceed it.
    public func progress(skipCurrentImage: Bool = true) async throws -> ProgressSnapshot {
        let json = try await sendForJSON(.GET, "/sdapi/v1/progress?skip_current_image=\(skipCurrentImage)", timeout: configuration.requestTimeout)
        return ProgressSnapshot(json: json)
    }

    /// The UI's progress route: not rate-limited, and the one that serves live previews (`livePreviewID` ≥ 0).
    public func internalProgress(taskID: String?, livePreviewID: Int = -1) async throws -> InternalProgress {
        let body: JSONValue = .object([
            "id_task": taskID.map(JSONValue.string) ?? .null,
            "id_live_preview": .number(Double(livePreviewID)),
        ])
        let json = try await sendForJSON(.POST, "/internal/progress", json: try Self.encodeJSON(body), timeout: configuration.requestTimeout)
        return InternalProgress(json: json)
    }

    public func status() async throws -> ServerStatus {
        ServerStatus(json: try await sendForJSON(.GET, "/sdapi/v1/status", timeout: configuration.requestTimeout))
    }

    /// Asks SD.Next to stop whatever job is running (not a particular request). SD.Next drops an interrupt
    /// that arrives between sampling stages, so use `keepInterrupting(every:)` to stop a generation.
    public func interrupt() async throws {
        _ = try Self.checkStatus(try await send(.POST, "/sdapi/v1/interrupt", timeout: configuration.requestTimeout))
    }

    /// Skips the current iteration of the running job (SD.Next also skips the one after it).
    public func skip() async throws {
        _ = try Self.checkStatus(try await send(.POST, "/sdapi/v1/skip", timeout: configuration.requestTimeout))
    }

    /// Sends `/interrupt` now and then every `interval` until the calling task is cancelled.
    ///
    /// Run it beside the generation call in a task group and cancel it when the generation returns: an
    /// interrupt that lands between stages is lost when the next stage begins, so one is not enough.
    /// Failures are logged and ignored (the next attempt may get through).
    public func keepInterrupting(every interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            do {
                try await interrupt()
            } catch is CancellationError {
                return
            } catch {
                logger.debug("SD.Next interrupt failed", metadata: ["sdnext.error": "\(error)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    // MARK: Options and inventory

    /// SD.Next's options: only saved non-default values and runtime changes, not every default.
    public func options() async throws -> [String: JSONValue] {
        let json = try await sendForJSON(.GET, "/sdapi/v1/options", timeout: configuration.requestTimeout)
        guard let options = json.objectValue else {
            throw SDNextError(code: .decoding, status: 200, message: "The options answer is not a JSON object")
        }
        return options
    }

    /// Changes options and returns which keys SD.Next accepted. A model change waits for SD.Next's lock and
    /// the load, so this call uses the generation timeout.
    public func setOptions(_ options: [String: JSONValue]) async throws -> [String: Bool] {
        let json = try await sendForJSON(.POST, "/sdapi/v1/options", json: try Self.encodeJSON(options), timeout: configuration.generationTimeout)
        var accepted: [String: Bool] = [:]
        for entry in json["updated"]?.arrayValue ?? [] {
            for (key, value) in entry.objectValue ?? [:] {
                accepted[key] = value.boolValue ?? false
            }
        }
        return accepted
    }

    public func models() async throws -> [ModelInfo] {
        try await list("/sdapi/v1/sd-models").map(ModelInfo.init(json:))
    }

    public func samplers() async throws -> [SamplerInfo] {
        try await list("/sdapi/v1/samplers").map(SamplerInfo.init(json:))
    }

    public func memory() async throws -> MemoryInfo {
        MemoryInfo(json: try await sendForJSON(.GET, "/sdapi/v1/memory", timeout: configuration.requestTimeout))
    }

    public func version() async throws -> VersionInfo {
        VersionInfo(json: try await sendForJSON(.GET, "/sdapi/v1/version", timeout: configuration.requestTimeout))
    }

    public func checkpoint() async throws -> CheckpointInfo {
        CheckpointInfo(json: try await sendForJSON(.GET, "/sdapi/v1/checkpoint", timeout: configuration.requestTimeout))
    }

    func list(_ path: String) async throws -> [JSONValue] {
        let json = try await sendForJSON(.GET, path, timeout: configuration.requestTimeout)
        guard let items = json.arrayValue else {
            throw SDNextError(code: .decoding, status: 200, message: "The answer of \(path) is not a JSON list")
        }
        return items
    }
}
