import DynamicJSON
import EaselGeneration
import Hummingbird
import Logging

/// The pool inventory: `GET generation/models` (every checkpoint and LoRA the pool has, with the backends that
/// have each and where each checkpoint is loaded) and `POST generation/backends/refresh` (read every backend's
/// inventory now, rather than at the next timer tick).
struct InventoryController<Context: RequestContext> {
    let backends: [Backend]
    let service: GenerationService
    let logger: Logger

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("generation/models") { _, _ in JSONResponse(PoolInventory(backends.map(\.snapshot)).json) }
        group.post("generation/backends/refresh") { _, _ in
            let unreachable = await InventoryMonitor.refreshAll(backends, service: service, logger: logger)
            return JSONResponse(.object([
                "refreshed": .array(backends.map(\.url).filter { !unreachable.contains($0) }.map(JSONValue.string)),
                "failed": .array(unreachable.map(JSONValue.string)),
            ]))
        }
    }
}

/// Every backend's inventory folded into one list per kind: a checkpoint is one entry however many backends have it
/// (keyed by its title, `name [hash]`), a LoRA one entry per name.
struct PoolInventory {
    private var checkpoints: [String: (name: String, hash: String?, backends: [String], loadedOn: [String])] = [:]
    private var checkpointOrder: [String] = []
    private var loras: [String: [String]] = [:]
    private var loraOrder: [String] = []

    init(_ backends: [(url: String, inventory: BackendInventory?)]) {
        for (url, inventory) in backends {
            guard let inventory else { continue }
            for model in inventory.checkpoints {
                if checkpoints[model.title] == nil {
                    checkpointOrder.append(model.title)
                    checkpoints[model.title] = (model.modelName, model.hash, [], [])
                }
                checkpoints[model.title]?.backends.append(url)
                if inventory.loadedCheckpoint == model.title { checkpoints[model.title]?.loadedOn.append(url) }
            }
            for name in inventory.loras {
                if loras[name] == nil { loraOrder.append(name) }
                loras[name, default: []].append(url)
            }
        }
    }

    var json: JSONValue {
        .object([
            "checkpoints": .array(checkpointOrder.compactMap { title in
                checkpoints[title].map { entry in
                    .object([
                        "title": .string(title), "name": .string(entry.name), "hash": entry.hash.map(JSONValue.string) ?? .null,
                        "backends": .array(entry.backends.map(JSONValue.string)),
                        "loaded_on": .array(entry.loadedOn.map(JSONValue.string)),
                    ])
                }
            }),
            "loras": .array(loraOrder.map { name in
                .object(["name": .string(name), "backends": .array((loras[name] ?? []).map(JSONValue.string))])
            }),
        ])
    }
}

extension Backend {
    /// The backend's URL with its last inventory.
    var snapshot: (url: String, inventory: BackendInventory?) { (url, status.inventory) }
}
