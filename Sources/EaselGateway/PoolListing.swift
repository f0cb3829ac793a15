import DynamicJSON
import Foundation

/// One of SD.Next's GET listings as the pool answers it, and how the backends' answers become one.
struct PoolListing: Sendable {
    enum Combination: Sendable {
        /// What any backend has (`JSONUnion`).
        case union(JSONUnion)
        /// The first backend (in pool order) whose answer is not empty: a lookup of one named thing some backend
        /// has (`lora?lora=`), or a description of a backend's loaded model, which mixing two models would garble.
        case firstFound
    }

    /// Below `/sdapi/v1/`.
    let path: String
    let combination: Combination

    static func union(_ path: String, by identity: String...) -> PoolListing {
        PoolListing(path: path, combination: .union(JSONUnion(identity: identity)))
    }

    static func firstFound(_ path: String) -> PoolListing {
        PoolListing(path: path, combination: .firstFound)
    }

    /// Every GET listing SD.Next registers (modules/api/api.py and the files it includes) that a pool can answer.
    static let all: [PoolListing] = [
        .union("sd-models", by: "title"), .union("loras", by: "name"), .union("samplers", by: "name"),
        .union("schedulers", by: "name"), .union("upscalers", by: "name"), .union("sd-vae", by: "model_name"),
        .union("unets", by: "name"), .union("prompt-styles", by: "name"), .union("embeddings"),
        .union("scripts"), .union("script-info", by: "name", "is_img2img"), .union("xyz-grid", by: "label"),
        .union("face-restorers", by: "name"), .union("detailers", by: "name"), .union("cmd-flags"),
        .union("extra-networks", by: "type", "name"), .union("extensions", by: "name"),
        .union("preprocessors", by: "name"), .union("masking"), .union("controlnets"), .union("control-models"),
        .union("control-modes"), .union("ip-adapters"), .union("wildcards", by: "name"), .union("loaded-loras"),
        .union("torch"), .union("motd"), .union("options-info"), .union("openclip"), .union("vqa/models", by: "name"),
        .union("vqa/prompts"),
        .union("tagger/models", by: "name"), .union("autocomplete", by: "name"),
        .union("autocomplete/remote", by: "name"),
        PoolListing(path: "gpu", combination: .union(JSONUnion(keepsEveryEntry: true))),
        PoolListing(path: "gpu-smi", combination: .union(JSONUnion(keepsEveryEntry: true))),
        .firstFound("lora"), .firstFound("extra-network-detail"), .firstFound("autocomplete/{name}"),
        .firstFound("sampler"), .firstFound("modules"),
    ]

    /// The query parameters SD.Next's handler of each listing takes (their signatures at `058a7f0`,
    /// modules/api/endpoints.py, loras.py, script.py, caption.py); a listing not named takes none. SD.Next ignores
    /// any other parameter, so the gateway drops them: `?x=1` and `?x=2` are one cached answer.
    static let parameters: [String: Set<String>] = [
        "controlnets": ["model_type"], "control-models": ["unit_type"], "script-info": ["script_name"],
        "vqa/prompts": ["model"], "lora": ["lora"], "extra-network-detail": ["page", "name"],
        "extra-networks": ["page", "name", "filename", "title", "fullname", "hash"],
    ]

    /// The path and query to ask each backend, and the cache's key: the parameters the route takes, sorted by name
    /// (repeated ones in the order sent, FastAPI reading the last).
    func target(path: String, query: String?) -> String {
        let taken = Self.parameters[self.path] ?? []
        let items = (query ?? "").split(separator: "&").filter { item in
            taken.contains(String(item.prefix { $0 != "=" }).removingPercentEncoding ?? "")
        }
        let sorted = items.enumerated().sorted { a, b in
            let (nameA, nameB) = (a.element.prefix { $0 != "=" }, b.element.prefix { $0 != "=" })
            return nameA == nameB ? a.offset < b.offset : nameA < nameB
        }.map(\.element)
        return sorted.isEmpty ? path : path + "?" + sorted.joined(separator: "&")
    }

    /// The backends' answers made one.
    func combine(_ answers: [JSONValue]) -> JSONValue {
        switch combination {
        case .union(let union): union.merge(answers)
        case .firstFound: answers.first(where: { !$0.isEmptyAnswer }) ?? answers.first ?? .null
        }
    }
}

extension JSONValue {
    /// SD.Next's "nothing here": `{}` for an unknown item or no loaded model, `[]`, null.
    var isEmptyAnswer: Bool {
        switch self {
        case .null: true
        case .array(let items): items.isEmpty
        case .object(let members): members.isEmpty
        default: false
        }
    }
}
