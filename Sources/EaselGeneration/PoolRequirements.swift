import DynamicJSON
import EaselCore
import SDNext

/// A submission's model and LoRAs checked against the pool's inventory at submit: the model resolves to its
/// canonical title (`name [hash]`, what `sd_model_checkpoint` is sent as), and a job no backend could ever run is
/// refused (422 naming `model`, or `prompt` for a LoRA), but only once every backend's inventory is known: a backend
/// not yet read may have it. A job only unhealthy backends could run is accepted; its note says why it waits.
public struct PoolRequirements: Sendable {
    /// What a submission needs, and why it may wait.
    public struct Resolution: Sendable, Equatable {
        public var requirements: JobRequirements
        public var note: String?
    }

    let backends: [(url: String, healthy: Bool, inventory: BackendInventory?)]

    public init(backends: [Backend]) {
        self.backends = backends.map { ($0.url, $0.status.healthy != false, $0.status.inventory) }
    }

    init(_ backends: [(url: String, healthy: Bool, inventory: BackendInventory?)]) {
        self.backends = backends
    }

    public func resolve(model query: String?, prompt: String) throws(GenerationService.InvalidParameters) -> Resolution {
        let inventories = backends.compactMap(\.inventory)
        let allKnown = inventories.count == backends.count
        let query = query.flatMap { $0.isEmpty ? nil : $0 }
        let title = query.flatMap { query in inventories.lazy.compactMap { $0.checkpoint(matching: query)?.title }.first }
        let requirements = JobRequirements(model: title ?? query, loras: JobRequirements.loraNames(in: prompt))
        guard requirements != .none else { return Resolution(requirements: requirements, note: nil) }
        let able = backends.filter { DispatchPolicy.BackendView(inventory: $0.inventory).canRun(requirements) }
        if able.isEmpty, allKnown {
            throw GenerationService.InvalidParameters(problems: problems(query: query, found: title != nil, requirements))
        }
        if able.isEmpty {
            let note = "Waiting for backend inventories: no backend read so far has \(needs(requirements))"
            return Resolution(requirements: requirements, note: note)
        }
        let waits = !able.contains(where: \.healthy)
        return Resolution(requirements: requirements, note: waits ? waitingNote(requirements, able.map(\.url)) : nil)
    }

    private func problems(query: String?, found: Bool, _ requirements: JobRequirements) -> [ParameterError] {
        if let query, !found {
            return [ParameterError(field: "model", message: "no backend of the pool has the checkpoint \"\(query)\"")]
        }
        let inventories = backends.compactMap(\.inventory)
        let missing = requirements.loras.filter { name in !inventories.contains { $0.hasLoRA(name) } }
        if !missing.isEmpty {
            return [ParameterError(
                field: "prompt", message: "no backend of the pool has the LoRA \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")]
        }
        let model = requirements.model.map { " with the checkpoint \"\($0)\"" } ?? ""
        return [ParameterError(
            field: "prompt", message: "no backend of the pool has every LoRA the prompt names\(model)")]
    }

    private func waitingNote(_ requirements: JobRequirements, _ urls: [String]) -> String {
        "Waiting for a backend: only unhealthy backends (\(urls.joined(separator: ", "))) have \(needs(requirements))"
    }

    private func needs(_ requirements: JobRequirements) -> String {
        UnrunnableJobs.needs(requirements)
    }
}

extension GenerationRequest {
    /// The checkpoint a body names in SD.Next's own fields, for a job that gives no `model`: `sd_model_checkpoint`,
    /// else `override_settings.sd_model_checkpoint`. Either switches the backend, so the job is routed by it as by `model`.
    public var checkpointInBody: String? {
        let overrides: [String: JSONValue]? = switch self {
        case .txt2img(let request): request.overrideSettings
        case .img2img(let request): request.parameters.overrideSettings
        case .control: nil
        }
        return modelCheckpoint ?? overrides?["sd_model_checkpoint"]?.stringValue
    }
}
