import DynamicJSON
import Hummingbird

/// Every `/sdapi/v1` route SD.Next registers at the reference commit (`modules/api/api.py` and the files it includes),
/// by path below `/sdapi/v1/` and method. The gateway answers each one (docs/GATEWAY.md says how); another method on
/// one of these paths gets Starlette's 405 as SD.Next gives it, and a path not here Starlette's 404.
enum SDNextRoutes {
    static let get = [
        "motd", "log", "start", "version", "torch", "status", "platform", "progress", "history", "memory", "cmd-flags",
        "gpu", "gpu-smi", "scripts", "script-info", "preprocessors", "masking", "samplers", "schedulers", "upscalers",
        "sd-models", "controlnets", "control-models", "control-modes", "face-restorers", "detailers", "prompt-styles",
        "embeddings", "ip-adapters", "wildcards", "sd-vae", "extensions", "extra-networks", "extra-network-detail",
        "extra-network-details", "unets", "file", "png-info", "checkpoint", "latents", "modules", "sampler", "options",
        "options-info", "openclip", "vqa/models", "vqa/prompts", "tagger/models", "lora", "loras", "loaded-loras",
        "autocomplete", "autocomplete/remote", "autocomplete/{name}", "browser/folders", "browser/thumb",
        "browser/files", "xyz-grid", "civitai", "network", "network/thumb", "network/metadata", "network/info",
        "network/desc",
    ]
    static let post = [
        "log", "interrupt", "skip", "shutdown", "restart", "txt2img", "img2img", "control", "process",
        "extra-single-image", "process-batch", "extra-batch-images", "preprocess", "mask", "detect", "detail",
        "prompt-enhance", "png-info", "checkpoint", "refresh-checkpoints", "unload-checkpoint", "reload-checkpoint",
        "lock-checkpoint", "refresh-vae", "refresh-unets", "latents", "options", "caption", "openclip", "vqa", "analyze",
        "tagger", "refresh-loras", "autocomplete/{name}/download", "nudenet", "prompt-lang", "image-guard",
        "prompt-banned", "civitai", "rembg", "upload", "framepack",
    ]
    static let put = ["upload"]
    static let delete = ["delete-image", "delete-file", "autocomplete/{name}"]

    /// Each path with the methods SD.Next takes on it.
    static var methods: [String: [HTTPRequest.Method]] {
        var methods: [String: [HTTPRequest.Method]] = [:]
        for (method, paths) in [(HTTPRequest.Method.get, get), (.post, post), (.put, put), (.delete, delete)] {
            for path in paths { methods[path, default: []].append(method) }
        }
        return methods
    }

    /// Starlette's answer to a known path asked with another method: 405 naming the methods it takes.
    static func addMethodNotAllowed<Context>(to api: RouterGroup<Context>) {
        // OPTIONS too: SD.Next has no CORS, so a preflight is a method it does not take.
        let others: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch, .options]
        for (path, taken) in methods {
            let allow = taken.map(\.rawValue).joined(separator: ", ")
            for method in others where !taken.contains(method) {
                api.on(RouterPath(path), method: method) { _, _ in
                    SDNextJSON(
                        .object(["detail": .string("Method Not Allowed")]), status: .methodNotAllowed, headers: [.allow: allow])
                }
            }
        }
    }
}
