import Foundation

/// What a job needs of the backend that runs it: a checkpoint (its canonical title, `name [hash]`, as the pool's
/// inventory names it) and the LoRAs its prompt's `<lora:name:weight>` tags name. The dispatcher never sends a job
/// to a backend lacking either, and prefers one that has the checkpoint loaded.
public struct JobRequirements: Sendable, Hashable, Codable {
    /// nil: any backend's loaded model will do.
    public var model: String?
    /// Lowercased, sorted, without duplicates (SD.Next matches LoRA names case-insensitively).
    public private(set) var loras: [String]

    public init(model: String? = nil, loras: [String] = []) {
        self.model = model
        self.loras = Array(Set(loras.map { $0.lowercased() })).sorted()
    }

    public static let none = JobRequirements()

    /// The LoRA names a prompt's `<lora:name:weight>` tags name, in prompt order, read as SD.Next reads them
    /// (`extra_networks.parse_prompt`: `<(\w+):([^>]+)>`, the arguments split on `:`, the first being the name).
    public static func loraNames(in prompt: String) -> [String] {
        prompt.matches(of: /<(\w+):([^>]+)>/).compactMap { match in
            guard match.output.1 == "lora" else { return nil }
            let name = match.output.2.split(separator: ":", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return name.isEmpty ? nil : name
        }
    }
}
