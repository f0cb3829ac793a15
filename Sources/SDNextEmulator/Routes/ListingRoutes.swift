import Hummingbird

/// SD.Next's enumeration routes a generation client reads (modules/api/api.py "Enumerators" and
/// the listing "Functional" ones): all GET, all answering at once, none taking the queue lock.
/// Shapes follow the functions in `modules/api/endpoints.py`, `loras.py`, `script.py` and
/// `server.py`; the content comes from `ModelCatalog` and `ServerFixtures`.
struct ListingRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let port: Int
    let hasAuth: Bool

    /// The paths registered here, for the router's 404/405 distinction.
    static let paths: Set<String> = [
        "/sdapi/v1/sampler", "/sdapi/v1/sd-vae", "/sdapi/v1/upscalers", "/sdapi/v1/loras", "/sdapi/v1/lora",
        "/sdapi/v1/loaded-loras", "/sdapi/v1/embeddings", "/sdapi/v1/prompt-styles", "/sdapi/v1/scripts",
        "/sdapi/v1/script-info", "/sdapi/v1/face-restorers", "/sdapi/v1/detailers", "/sdapi/v1/cmd-flags",
        "/sdapi/v1/modules", "/sdapi/v1/platform", "/sdapi/v1/extra-networks", "/sdapi/v1/control-models",
        "/sdapi/v1/controlnets", "/sdapi/v1/schedulers",
    ]

    func register(on group: RouterGroup<Context>) {
        let fixed: [(String, JSONValue)] = [
            ("/sdapi/v1/sd-vae", ServerFixtures.vaes), ("/sdapi/v1/upscalers", ServerFixtures.upscalers),
            ("/sdapi/v1/prompt-styles", ServerFixtures.promptStyles), ("/sdapi/v1/scripts", ServerFixtures.scripts),
            ("/sdapi/v1/face-restorers", ServerFixtures.detailers), ("/sdapi/v1/detailers", ServerFixtures.detailers),
            ("/sdapi/v1/platform", ServerFixtures.platform),
            ("/sdapi/v1/cmd-flags", ServerFixtures.cmdFlags(port: port, hasAuth: hasAuth)),
            ("/sdapi/v1/loras", .array(state.catalogue.loras.map(\.listJSON))),
        ]
        for (path, body) in fixed {
            group.get(RouterPath(path)) { _, _ in Response.json(body) }
        }
        group.get("/sdapi/v1/schedulers") { _, _ -> Response in
            throw APIError.schedulersResponseValidation
        }
        group.get("/sdapi/v1/loaded-loras") { _, _ in
            Response.json(.array(await state.loadedLoRAs.map { .string($0.name) }))
        }
        group.get("/sdapi/v1/sampler") { _, _ in
            Response.json(ServerFixtures.sampler(for: await state.loadedModel, schedulerClass: await state.schedulerClass))
        }
        group.get("/sdapi/v1/modules") { _, _ in
            Response.json(ServerFixtures.modules(for: await state.loadedModel))
        }
        group.get("/sdapi/v1/embeddings") { _, _ in
            Response.json(ServerFixtures.embeddings(modelType: await state.loadedModel?.modelType))
        }
        group.get("/sdapi/v1/lora") { request, _ in
            let name = try request.requiredQuery("lora")
            guard let lora = state.catalogue.loras.first(where: { $0.name == name }) else {
                throw APIError.httpException(.notFound, detail: "Lora '\(name)' not found")
            }
            return Response.json(lora.detailJSON)
        }
        group.get("/sdapi/v1/script-info") { request, _ in
            let name = request.queryString("script_name")
            return Response.json(.array(ServerFixtures.scriptInfo.filter { name == nil || $0.objectValue?["name"]?.stringValue == name }))
        }
        group.get("/sdapi/v1/extra-networks") { request, _ in
            let items = ExtraNetworks.items(catalogue: state.catalogue)
            return Response.json(.array(items.filter { ExtraNetworks.matches($0, request) }.map(JSONValue.object)))
        }
        group.get("/sdapi/v1/control-models") { request, _ in
            // `get_control_models(unit_type="controlnet")`: other unit types list nothing here.
            let unitType = request.queryString("unit_type") ?? "controlnet"
            guard unitType == "controlnet" else { return Response.json([]) }
            return Response.json(Self.controlNets(for: await state.loadedModel?.modelType))
        }
        group.get("/sdapi/v1/controlnets") { request, _ in
            let loadedType = await state.loadedModel?.modelType
            return Response.json(Self.controlNets(for: request.queryString("model_type") ?? loadedType))
        }
    }

    /// `controlnet.api_list_models`: the predefined names for one model type, or all for `all`.
    static func controlNets(for modelType: String?) -> JSONValue {
        let names: [String] =
            switch modelType {
            case "all": ["sd", "sdxl"].flatMap { ServerFixtures.controlNets[$0] ?? [] }
            case let type?: ServerFixtures.controlNets[type] ?? []
            case nil: []
            }
        return .array(names.map(JSONValue.string))
    }
}
