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
        "/sdapi/v1/refresh-vae", "/sdapi/v1/refresh-loras", "/sdapi/v1/lock-checkpoint",
    ]

    func register(on group: RouterGroup<Context>) {
        group.post("/sdapi/v1/reload-checkpoint") { request, _ in
            let force = try request.boolQuery("force", default: false)
            try await reload(force: force)
            return Response(status: .noContent)
        }
        group.post("/sdapi/v1/lock-checkpoint") { request, _ in
            await state.setModelLocked(try request.boolQuery("lock", default: false))
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
            for lora in state.catalogue.loras { networks[lora.name] = lora.detailJSON }
            return Response.json(.object(networks))
        }
    }

    /// `post_reload_checkpoint`: with `force` unloads first, then `reload_model_weights`.
    private func reload(force: Bool) async throws {
        let runner = self.runner
        try await queue.perform {
            if force { await runner.state.unloadModel() }
            _ = try await runner.reloadModelWeights()
        }
    }
}
