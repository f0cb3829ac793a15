import Hummingbird

/// Options, model and server information routes: `/options`, `/sd-models`, `/samplers`,
/// `/memory`, `/version`, `/checkpoint`.
struct ServerInfoRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let queue: GenerationQueue
    let runner: GenerationRunner

    /// What `/sdapi/v1/version` reports: the reference snapshot of SD.Next master.
    static let version: JSONValue = .object([
        "app": "sd.next", "updated": "2026-07-23", "commit": .string(GenerationInfo.commit), "branch": "master",
        "url": "https://github.com/vladmandic/sdnext/tree/master", "ui": "main", "kanvas": "disabled",
    ])

    func register(on group: RouterGroup<Context>) {
        group.get("/sdapi/v1/options") { _, _ in
            Response.json(.object(await state.options.values))
        }
        group.post("/sdapi/v1/options") { request, context in
            var request = request
            guard let body = try await request.jsonBody(context: context).objectValue else {
                throw APIError.validation([
                    ValidationIssue(type: "dict_type", loc: ["body"], msg: "Input should be a valid dictionary", input: .null)
                ])
            }
            var updated: [JSONValue] = []
            for (key, value) in body.entries {
                updated.append(.object([key: .bool(try await setOption(key, value))]))
            }
            return Response.json(.object(["updated": .array(updated)]))
        }
        group.get("/sdapi/v1/sd-models") { _, _ in
            Response.json(.array(state.catalogue.checkpoints.map(\.itemJSON)))
        }
        group.get("/sdapi/v1/samplers") { _, _ in
            Response.json(state.flavor.samplers(ModelCatalog.samplersJSON))
        }
        group.get("/sdapi/v1/version") { _, _ in
            Response.json(state.flavor.version(current: Self.version))
        }
        group.get("/sdapi/v1/memory") { _, _ in
            Response.json(Self.memory)
        }
        group.post("/sdapi/v1/checkpoint") { request, _ in
            let name = try request.requiredQuery("sd_model_checkpoint")
            let force = try request.boolQuery("force", default: false)
            let dtype = request.queryString("dtype")
            return Response.json(.object(["ok": .bool(try await setCheckpoint(name, dtype: dtype, force: force))]))
        }
        group.get("/sdapi/v1/options-info") { _, _ in
            Response.json(OptionsInfo.json(catalogue: state.catalogue))
        }
        group.get("/sdapi/v1/checkpoint") { _, _ in
            guard let model = await state.loadedModel else {
                return Response.json(.object(["type": .null, "class": .null]))
            }
            return Response.json(
                .object([
                    "type": .string(model.modelType), "class": .string(model.pipelineClass),
                    "checkpoint": .string(model.filename), "title": .string(model.title), "name": .string(model.name),
                    "filename": .string(model.filename), "hash": .string(model.shortHash),
                ]))
        }
    }

    /// `opts.set`: false for unknown keys and unchanged values. A checkpoint change runs the option's
    /// `onchange`, `reload_model_weights` under the queue lock (blocking the call); a name that selects no
    /// checkpoint is stored all the same and unloads the model, and the answer is still true.
    private func setOption(_ key: String, _ value: JSONValue) async throws -> Bool {
        guard key == "sd_model_checkpoint" else { return await state.setOption(key, to: value) }
        guard value.stringValue != nil, await state.setOption(key, to: value) else { return false }
        let runner = self.runner
        try await queue.perform { _ = try await runner.reloadModelWeights() }
        return true
    }

    /// `set_checkpoint`: stores the name as `sd_model_checkpoint` (no change check), then
    /// `reload_model_weights`; `ok` is whether a model was loaded, so naming the loaded model answers
    /// false, and an unknown name unloads the model. SD.Next does this without the queue lock; the emulator
    /// takes it so the `Load model` stage never lands inside a running generation's stages.
    private func setCheckpoint(_ name: String, dtype: String?, force: Bool) async throws -> Bool {
        let runner = self.runner
        return try await queue.perform {
            if force { await runner.state.unloadModel() }
            if let dtype { await runner.state.assignOption("cuda_dtype", to: .string(dtype)) }
            await runner.state.assignOption("sd_model_checkpoint", to: .string(name))
            return try await runner.reloadModelWeights() != nil
        }
    }

    /// A plausible 24 GiB GPU on a 64 GiB host, shaped like SD.Next's `ResMemory`.
    private static let memory: JSONValue = .object([
        "ram": .object(["free": 60_129_542_144.0, "used": 8_589_934_592, "total": 68_719_476_736.0]),
        "cuda": .object([
            "system": .object(["free": 17_179_869_184, "used": 8_589_934_592, "total": 25_769_803_776]),
            "active": .object(["current": 6_442_450_944, "peak": 9_663_676_416]),
            "allocated": .object(["current": 6_442_450_944, "peak": 9_663_676_416]),
            "reserved": .object(["current": 7_516_192_768, "peak": 10_737_418_240]),
            "inactive": .object(["current": 1_073_741_824, "peak": 2_147_483_648]),
            "events": .object(["retries": 0, "oom": 0]),
        ]),
    ])
}
