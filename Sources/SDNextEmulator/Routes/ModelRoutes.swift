import Hummingbird

/// SD.Next's model-management POSTs (modules/api/endpoints.py, loras.py). The 204 routes answer
/// with an empty body; `refresh-loras` has no `status_code`, so FastAPI answers 200 with the
/// rescanned `available_networks` dict.
///
/// SD.Next runs `reload_model_weights` without the queue lock; the emulator takes it, because its
/// single stage machine cannot show a `Load model` stage inside a running generation's stages.
struct ModelRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let queue: GenerationQueue
    let runner: GenerationRunner

    static let paths: Set<String> = [
        "/sdapi/v1/reload-checkpoint", "/sdapi/v1/refresh-checkpoints", "/sdapi/v1/unload-checkpoint",
        "/sdapi/v1/refresh-vae", "/sdapi/v1/refresh-loras",
    ]

    func register(on group: RouterGroup<Context>) {
        group.post("/sdapi/v1/reload-checkpoint") { request, _ in
            let force = try request.boolQuery("force", default: false)
            try await reload(force: force)
            return Response(status: .noContent)
        }
        group.post("/sdapi/v1/unload-checkpoint") { _, _ in
            await state.unloadModel()
            return Response(status: .noContent)
        }
        // The catalogues are fixed, so a rescan finds what is already listed.
        for path in ["/sdapi/v1/refresh-checkpoints", "/sdapi/v1/refresh-vae"] {
            group.post(RouterPath(path)) { _, _ in Response(status: .noContent) }
        }
        group.post("/sdapi/v1/refresh-loras") { _, _ in
            var networks = JSONObject()
            for lora in ModelCatalog.loras { networks[lora.name] = lora.detailJSON }
            return Response.json(.object(networks))
        }
    }

    /// `reload_model_weights`: loads the checkpoint `sd_model_checkpoint` names when it is not the
    /// loaded one (or, with `force`, after unloading); a no-op otherwise.
    private func reload(force: Bool) async throws {
        let runner = self.runner
        try await queue.perform {
            let state = runner.state
            if force { await state.unloadModel() }
            guard let model = await state.selectedModel else { return }
            if await state.loadedModel != model { try await runner.loadModel(model) }
        }
    }
}
