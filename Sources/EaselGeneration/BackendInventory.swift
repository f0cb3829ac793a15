import Foundation
import SDNext

/// What one backend can run, as it last said: its checkpoints, the one loaded, and its LoRAs. The dispatcher reads
/// it to send a job only where its model and LoRAs are, and the pool inventory is made of these.
public struct BackendInventory: Sendable, Equatable {
    public var checkpoints: [ModelInfo]
    /// The loaded checkpoint's title (`name [hash]`); nil when the backend has no model loaded.
    public var loadedCheckpoint: String?
    /// LoRA names, as a prompt's `<lora:name:weight>` names them.
    public var loras: [String]
    public var refreshedAt: Date

    public init(checkpoints: [ModelInfo], loadedCheckpoint: String?, loras: [String], refreshedAt: Date = Date()) {
        self.checkpoints = checkpoints
        self.loadedCheckpoint = loadedCheckpoint
        self.loras = loras
        self.refreshedAt = refreshedAt
    }

    /// The checkpoint a job's `model` names: its title, its name, its short hash or its sha256, in any case, or its
    /// title without the `[hash]` part; nil when this backend does not have it.
    public func checkpoint(matching query: String) -> ModelInfo? {
        let wanted = Self.normalized(query)
        return checkpoints.first { model in
            [model.title, model.modelName, model.hash, model.sha256, Self.withoutHash(model.title)]
                .compactMap { $0.map(Self.normalized) }.contains(wanted)
        }
    }

    /// Whether `query` names the loaded checkpoint.
    public func isLoaded(_ query: String) -> Bool {
        guard let loadedCheckpoint, let model = checkpoint(matching: query) else { return false }
        return model.title == loadedCheckpoint
    }

    /// Whether this backend has the LoRA a prompt names (SD.Next matches names case-insensitively).
    public func hasLoRA(_ name: String) -> Bool {
        let wanted = Self.normalized(name)
        return loras.contains { Self.normalized($0) == wanted }
    }

    private static func normalized(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }

    private static func withoutHash(_ title: String) -> String {
        guard let bracket = title.lastIndex(of: "["), title.hasSuffix("]") else { return title }
        return title[..<bracket].trimmingCharacters(in: .whitespaces)
    }
}

extension SDNextClient {
    /// Reads a backend's inventory: `sd-models`, the loaded `checkpoint` and `loras` (a server without the LoRA
    /// route, such as an A1111 without its Lora extension, has none).
    public func inventory() async throws -> BackendInventory {
        async let models = self.models()
        async let loaded = self.checkpoint()
        async let listed = self.loras()
        let loras: [LoRAInfo]
        do {
            loras = try await listed
        } catch let error as SDNextError where error.code == .httpStatus && error.status == 404 {
            loras = []
        }
        let checkpoint = try await loaded
        return BackendInventory(
            checkpoints: try await models, loadedCheckpoint: checkpoint.isLoaded ? checkpoint.title : nil,
            loras: loras.map(\.name))
    }
}
