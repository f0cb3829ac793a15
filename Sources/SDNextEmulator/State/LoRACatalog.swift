import Foundation

/// One LoRA the emulator pretends to have under `models/Lora`, with the attributes of SD.Next's
/// `NetworkOnDisk` (modules/lora/network.py) that its API exposes.
struct LoRAInfo: Sendable, Equatable {
    let name: String
    /// Full sha256; SD.Next's `shorthash` is its first 8 characters (`set_hash`).
    let hash: String
    /// `ss_base_model_version` from the safetensors metadata; drives `sd_version`.
    let baseModel: String
    let sdVersion: String

    var shortHash: String { String(hash.prefix(8)) }
    /// The file's base name; `name` is it with dots turned into underscores (`list_available_networks`).
    let fileBaseName: String

    init(name fileBaseName: String, hash: String, baseModel: String, sdVersion: String) {
        self.fileBaseName = fileBaseName
        name = fileBaseName.replacingOccurrences(of: ".", with: "_")
        self.hash = hash
        self.baseModel = baseModel
        self.sdVersion = sdVersion
    }

    /// A LoRA the catalogue lists by name only: a stable made-up hash, SDXL when its name says so.
    init(named name: String) {
        let isXL = name.lowercased().contains("xl")
        self.init(
            name: name, hash: FakeHash.hex(of: "lora/" + name, length: 64), baseModel: isXL ? "sdxl_base_v1-0" : "sd_v1",
            sdVersion: isXL ? "xl" : "sd1")
    }
    var filename: String { "/app/models/Lora/\(fileBaseName).safetensors" }
    var metadata: JSONValue { .object(["ss_base_model_version": .string(baseModel)]) }

    /// One `/sdapi/v1/loras` item: `{name, alias, path, metadata}` (modules/api/loras.py).
    var listJSON: JSONValue {
        .object(["name": .string(name), "alias": .string(name), "path": .string(filename), "metadata": metadata])
    }

    /// The object's `__dict__` in attribute order, which `/sdapi/v1/lora?lora=` returns and
    /// `refresh-loras` serialises through FastAPI's `jsonable_encoder`.
    var detailJSON: JSONValue {
        .object([
            "shorthash": .string(shortHash), "hash": .string(hash), "name": .string(name), "filename": .string(filename),
            "fullname": .string(name), "metadata": metadata, "is_safetensors": true, "alias": .string(name),
            "sd_version": .string(sdVersion),
        ])
    }
}

extension ModelCatalog {
    /// The built-in LoRA catalogue (the default when `--loras` is not given).
    static let loras: [LoRAInfo] = [
        LoRAInfo(
            name: "add-detail-xl", hash: "0d9bd1b873a7863e128b4672e3e245838858f71469a3cec58123c16c06f83bd7",
            baseModel: "sdxl_base_v1-0", sdVersion: "xl"),
        LoRAInfo(
            name: "pixel-art-xl", hash: "bbf3d8defbfb3fb71331545225c0cf50c74a748d2525f7c19ebb8f74445de274",
            baseModel: "sdxl_base_v1-0", sdVersion: "xl"),
        LoRAInfo(
            name: "more_details", hash: "3b8aa1d351ef5e2e1a3b4d5f5c3b8e0f5a0c3f0e6d0e7c7f3a3a0b6e4d5c2a1f",
            baseModel: "sd_v1", sdVersion: "sd1"),
    ]
}
