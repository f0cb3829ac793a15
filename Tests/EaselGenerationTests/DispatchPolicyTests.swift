import EaselCore
@testable import EaselGeneration
import Foundation
import SDNext
import Testing

/// The dispatch choice as a value: which head of the queue a free backend takes, given what it and the other free
/// backends have and have loaded.
@Suite struct DispatchPolicyTests {
    static func inventory(_ models: [String], loaded: String?, loras: [String] = []) -> BackendInventory {
        let json = "[" + models.map { #"{"title":"\#($0) [h\#($0)]","model_name":"\#($0)","filename":"/m/\#($0)","hash":"h\#($0)"}"# }
            .joined(separator: ",") + "]"
        let checkpoints = try! JSONDecoder().decode([ModelInfo].self, from: Data(json.utf8))
        return BackendInventory(checkpoints: checkpoints, loadedCheckpoint: loaded.map { "\($0) [h\($0)]" }, loras: loras)
    }

    static func view(_ models: [String], loaded: String?, loras: [String] = []) -> DispatchPolicy.BackendView {
        DispatchPolicy.BackendView(inventory: inventory(models, loaded: loaded, loras: loras))
    }

    static let now = Date(timeIntervalSince1970: 1_000)

    static func head(_ id: String, model: String?, loras: [String] = [], priority: Int = 0, age seconds: Double) -> QueueHead {
        QueueHead(
            id: JobID(rawValue: id), requirements: JobRequirements(model: model.map { "\($0) [h\($0)]" }, loras: loras),
            priority: priority, createdAt: now.addingTimeInterval(-seconds))
    }

    let policy = DispatchPolicy(patience: .seconds(30))
    let alphaLoaded = view(["alpha", "beta"], loaded: "alpha", loras: ["fox"])

    private func choice(_ heads: [QueueHead], others: [DispatchPolicy.BackendView] = []) -> String? {
        policy.choose(from: heads, for: alphaLoaded, others: others, at: Self.now)?.id.rawValue
    }

    @Test func neverTakesAJobWhoseModelOrLoRAItLacks() {
        #expect(choice([Self.head("gamma", model: "gamma", age: 100), Self.head("owl", model: "alpha", loras: ["owl"], age: 100)]) == nil)
        let unread = DispatchPolicy.BackendView(inventory: nil)
        let heads = [Self.head("alpha", model: "alpha", age: 9), Self.head("fox", model: nil, loras: ["fox"], age: 8),
                     Self.head("plain", model: nil, age: 1)]
        #expect(policy.choose(from: heads, for: unread, others: [], at: Self.now)?.id.rawValue == "plain")
    }

    @Test func prefersTheLoadedModelOverAnOlderSwitch() {
        #expect(choice([Self.head("beta", model: "beta", age: 10), Self.head("alpha", model: "alpha", age: 1)]) == "alpha")
        #expect(choice([Self.head("beta", model: "beta", age: 10), Self.head("plain", model: nil, age: 1)]) == "plain")
    }

    @Test func switchesWhenNoFreeBackendHasTheModelLoaded() {
        let beta = [Self.head("beta", model: "beta", age: 1)]
        #expect(choice(beta) == "beta")
        #expect(choice(beta, others: [Self.view(["beta"], loaded: "beta")]) == nil)
        // A free backend that has beta but not loaded does not hold the job back.
        #expect(choice(beta, others: [Self.view(["beta", "alpha"], loaded: "alpha")]) == "beta")
    }

    @Test func aJobThatWaitedOrOutranksBeatsTheNoSwitchJobs() {
        let young = Self.head("alpha", model: "alpha", age: 1)
        #expect(choice([Self.head("beta", model: "beta", age: 31), young]) == "beta")
        #expect(choice([Self.head("beta", model: "beta", age: 29), young]) == "alpha")
        #expect(choice([Self.head("beta", model: "beta", priority: 1, age: 0), young]) == "beta")
        // Waiting never beats a higher priority.
        #expect(choice([Self.head("beta", model: "beta", age: 300), Self.head("alpha", model: "alpha", priority: 2, age: 0)]) == "alpha")
    }

    @Test func plainFIFOTakesTheFirstJobInLineItCanRun() {
        let fifo = DispatchPolicy(modelAware: false)
        let heads = [Self.head("beta", model: "beta", age: 10), Self.head("alpha", model: "alpha", age: 1),
                     Self.head("gamma", model: "gamma", age: 20)]
        #expect(fifo.choose(from: heads, for: alphaLoaded, others: [], at: Self.now)?.id.rawValue == "beta")
    }

    @Test func aPromptsLoRAsAreReadAsSDNextReadsThem() {
        #expect(JobRequirements.loraNames(in: "a <lora:Fox_Style:0.8> cat <lora:owl> <hypernet:x:1> <LORA:no:1> <lora::1>")
            == ["Fox_Style", "owl"])
        #expect(JobRequirements(loras: ["Owl", "fox", "owl"]).loras == ["fox", "owl"])
    }

    @Test func submitResolvesTheModelAndRefusesWhatNoBackendHas() throws {
        let pool = PoolRequirements([
            ("http://a", true, Self.inventory(["alpha"], loaded: "alpha", loras: ["fox"])),
            ("http://b", false, Self.inventory(["beta"], loaded: "beta", loras: ["owl"])),
        ])
        #expect(try pool.resolve(model: "ALPHA", prompt: "x <lora:fox:1>")
            == .init(requirements: JobRequirements(model: "alpha [halpha]", loras: ["fox"]), note: nil))
        let waiting = try pool.resolve(model: "hbeta", prompt: "x")
        #expect(waiting.requirements.model == "beta [hbeta]" && waiting.note?.contains("http://b") == true)
        #expect(throws: GenerationService.InvalidParameters.self) { try pool.resolve(model: "gamma", prompt: "x") }
        do {
            _ = try pool.resolve(model: "alpha", prompt: "x <lora:owl:1>")
            Issue.record("a LoRA only another backend has, with alpha, was accepted")
        } catch {
            #expect(error.problems.map(\.field) == ["prompt"])
        }
        do {
            _ = try pool.resolve(model: nil, prompt: "x <lora:heron:1>")
            Issue.record("an unknown LoRA was accepted")
        } catch {
            #expect(error.problems.first?.message.contains("heron") == true)
        }
        // While a backend's inventory is unknown, it may have what the others lack.
        let partly = PoolRequirements([("http://a", true, Self.inventory(["alpha"], loaded: "alpha")), ("http://c", true, nil)])
        let unknown = try partly.resolve(model: "gamma", prompt: "x")
        #expect(unknown.requirements.model == "gamma" && unknown.note?.hasPrefix("Waiting for backend inventories") == true)
    }
}
