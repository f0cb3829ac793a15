import Hummingbird

/// `/sdapi/v1/extra-networks`: the items of SD.Next's extra-network pages mapped the way
/// `endpoints.get_extra_networks` maps them (`{name, type, title, fullname, filename, hash,
/// preview, version, tags}`), for the pages the emulator has content for: `model` and `lora`.
enum ExtraNetworks {
    /// The placeholder every item without a preview file gets (`link_preview` of the missing image).
    static let missingPreview = "/sdapi/v1/network/thumb?filename=ui/assets/missing.png"

    static func items(catalogue: Catalogue) -> [JSONObject] {
        let models: [JSONObject] = catalogue.checkpoints.map { model in
            [
                "name": .string(model.name), "type": "model", "title": .string(model.title), "fullname": .null,
                "filename": .string(model.filename), "hash": .string(model.shortHash), "preview": .string(missingPreview),
                "version": .string(model.modelType), "tags": .null,
            ]
        }
        let loras: [JSONObject] = catalogue.loras.map { lora in
            [
                "name": .string(lora.name), "type": "lora", "title": .null, "fullname": .null,
                "filename": .string(lora.filename), "hash": .string(lora.shortHash), "preview": .string(missingPreview),
                "version": .string(lora.sdVersion), "tags": .null,
            ]
        }
        return models + loras
    }

    /// The endpoint's filters: `page` (lowercased) and exact `name`, `title`, `filename`, `fullname`, `hash`.
    static func matches(_ item: JSONObject, _ request: Request) -> Bool {
        if let page = request.queryString("page"), item["type"]?.stringValue != page.lowercased() { return false }
        for key in ["name", "title", "filename", "fullname", "hash"] {
            if let wanted = request.queryString(key), item[key]?.stringValue != wanted { return false }
        }
        return true
    }
}
