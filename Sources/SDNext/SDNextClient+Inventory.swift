import DynamicJSON

/// The listing and model-management routes Easel's dispatcher reads to learn what each backend
/// can run: LoRAs, VAEs, upscalers, the current scheduler, and reloading or unloading the model.
extension SDNextClient {
    public func loras() async throws -> [LoRAInfo] {
        try await list("/sdapi/v1/loras").map(LoRAInfo.init(json:))
    }

    public func sdVAEs() async throws -> [VAEInfo] {
        try await list("/sdapi/v1/sd-vae").map(VAEInfo.init(json:))
    }

    public func upscalers() async throws -> [UpscalerInfo] {
        try await list("/sdapi/v1/upscalers").map(UpscalerInfo.init(json:))
    }

    public func promptStyles() async throws -> [PromptStyle] {
        try await list("/sdapi/v1/prompt-styles").map(PromptStyle.init(json:))
    }

    /// ControlNet model names for the loaded model's type (what a control unit's `model` takes).
    public func controlModels() async throws -> [String] {
        try await list("/sdapi/v1/control-models").compactMap(\.stringValue)
    }

    /// The scheduler of the loaded pipeline; nil when SD.Next has no model loaded.
    public func currentSampler() async throws -> CurrentSampler? {
        CurrentSampler(json: try await sendForJSON(.GET, "/sdapi/v1/sampler", timeout: configuration.requestTimeout))
    }

    public func embeddings() async throws -> EmbeddingsInfo {
        EmbeddingsInfo(json: try await sendForJSON(.GET, "/sdapi/v1/embeddings", timeout: configuration.requestTimeout))
    }

    public func scripts() async throws -> ScriptList {
        ScriptList(json: try await sendForJSON(.GET, "/sdapi/v1/scripts", timeout: configuration.requestTimeout))
    }

    /// Loads the checkpoint `sd_model_checkpoint` names if it is not loaded (`force` unloads first).
    /// A load can take minutes, so this uses the generation timeout.
    public func reloadCheckpoint(force: Bool = false) async throws {
        _ = try Self.checkStatus(
            try await send(.POST, "/sdapi/v1/reload-checkpoint?force=\(force)", timeout: configuration.generationTimeout))
    }

    /// Frees the model; `checkpoint()` then reports nothing loaded and generations return no images.
    public func unloadCheckpoint() async throws {
        _ = try Self.checkStatus(try await send(.POST, "/sdapi/v1/unload-checkpoint", timeout: configuration.requestTimeout))
    }

    /// Rescans the checkpoint folders, so `models()` sees files added since start.
    public func refreshCheckpoints() async throws {
        _ = try Self.checkStatus(try await send(.POST, "/sdapi/v1/refresh-checkpoints", timeout: configuration.requestTimeout))
    }

    /// Rescans the LoRA folders; SD.Next answers with the rescanned networks, ignored here (call `loras()`).
    public func refreshLoRAs() async throws {
        _ = try Self.checkStatus(try await send(.POST, "/sdapi/v1/refresh-loras", timeout: configuration.requestTimeout))
    }
}
