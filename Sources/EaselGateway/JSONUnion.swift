import DynamicJSON
import Foundation

/// How a pool answers a listing that each SD.Next backend answers for itself: what one backend has, the pool has.
/// Lists keep each entry once (by its identity, the first backend's entry winning), objects merge key by key, and
/// a plain value comes from the first backend. Answers are given in pool order.
struct JSONUnion {
    /// The members that tell a listing's entries apart (`title` for `sd-models`); empty: the entry's whole value.
    var identity: [String] = []
    /// Every backend's entries, none dropped: each backend's GPUs are GPUs of their own.
    var keepsEveryEntry = false

    func merge(_ answers: [JSONValue]) -> JSONValue {
        guard let first = answers.first else { return .null }
        switch first {
        case .array:
            let lists = answers.compactMap(\.arrayValue)
            return .array(keepsEveryEntry ? lists.flatMap { $0 } : distinct(lists.flatMap { $0 }))
        case .object:
            var merged: [String: JSONValue] = [:]
            var keys: [String] = []
            var values: [String: [JSONValue]] = [:]
            for object in answers.compactMap(\.objectValue) {
                for (key, value) in object {
                    if values[key] == nil { keys.append(key) }
                    values[key, default: []].append(value)
                }
            }
            // Nested lists have no declared identity: their entries are told apart by value.
            for key in keys { merged[key] = JSONUnion().merge(values[key] ?? []) }
            return .object(merged)
        default:
            return first
        }
    }

    private func distinct(_ entries: [JSONValue]) -> [JSONValue] {
        var seen = Set<String>()
        return entries.filter { seen.insert(key(of: $0)).inserted }
    }

    private func key(of entry: JSONValue) -> String {
        if !identity.isEmpty, let object = entry.objectValue, identity.contains(where: { object[$0] != nil }) {
            return Self.canonical(.array(identity.map { object[$0] ?? .null }))
        }
        return Self.canonical(entry)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static func canonical(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "s:" + text }
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
