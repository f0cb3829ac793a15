import DynamicJSON
import Foundation

/// Model switching and image metadata: what Easel's dispatcher calls to put the right checkpoint on a
/// backend and to read back what an image was made with.
extension SDNextClient {
    /// `POST /sdapi/v1/checkpoint`: loads the named checkpoint and answers whether a model was loaded.
    /// SD.Next answers false when that checkpoint was already loaded, and also for a name it does not
    /// know, after which it has no model loaded at all (check `models()` first). It takes no queue lock,
    /// so prefer `setOptions(["sd_model_checkpoint": …])` while generations may run.
    public func loadCheckpoint(_ name: String, force: Bool = false) async throws -> Bool {
        let path = "/sdapi/v1/checkpoint?sd_model_checkpoint=\(Self.queryValue(name))&force=\(force)"
        return try await sendForJSON(.POST, path, timeout: configuration.generationTimeout)["ok"]?.boolValue ?? false
    }

    /// `POST /sdapi/v1/lock-checkpoint`: while locked, SD.Next does not load a missing model on demand.
    public func lockCheckpoint(_ locked: Bool) async throws {
        _ = try Self.checkStatus(
            try await send(.POST, "/sdapi/v1/lock-checkpoint?lock=\(locked)", timeout: configuration.requestTimeout))
    }

    /// `GET /sdapi/v1/loaded-loras`: the LoRAs the last generation applied.
    public func loadedLoRAs() async throws -> [String] {
        try await list("/sdapi/v1/loaded-loras").compactMap(\.stringValue)
    }

    /// `GET /sdapi/v1/options-info`: every option's label, section, type and default.
    public func optionsInfo() async throws -> OptionsInfo {
        OptionsInfo(json: try await sendForJSON(.GET, "/sdapi/v1/options-info", timeout: configuration.requestTimeout))
    }

    /// `POST /sdapi/v1/png-info`: the infotext an image carries (JPEG EXIF or PNG text chunk), SD.Next's
    /// parse of it, and the image's other metadata.
    public func pngInfo(_ image: EncodedImage) async throws -> ImageInfo {
        let body = try Self.encodeJSON(["image": image.base64])
        return ImageInfo(json: try await sendForJSON(.POST, "/sdapi/v1/png-info", json: body, timeout: configuration.requestTimeout))
    }

    private static func queryValue(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
