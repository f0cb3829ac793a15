import Hummingbird

extension GatewayError {
    /// A route SD.Next has that means nothing for a pool: 501 in SD.Next's HTTPException shape, saying why and what
    /// to use instead.
    static func notImplemented(_ detail: String) -> GatewayError {
        httpException(.notImplemented, detail: detail)
    }
}

/// SD.Next's routes that the gateway refuses with a 501: each would act on one SD.Next server outside Easel's
/// queue (stopping it, holding its model, running a model job on its GPU beside a queued generation) or reads
/// that server's own files.
enum PoolRefusals {
    struct Refusal: Sendable {
        let method: HTTPRequest.Method
        /// Below `/sdapi/v1/`.
        let path: String
        let detail: String

        init(_ method: HTTPRequest.Method, _ path: String, _ detail: String) {
            self.method = method
            self.path = path
            self.detail = detail
        }
    }

    private static let outsideQueue =
        "would run on one SD.Next backend outside Easel's queue, beside the queued generations: Easel queues "
        + "txt2img, img2img and control; run it on a backend directly"
    private static let serverFiles =
        "reads or changes one SD.Next backend's own files: Easel keeps each job's images itself (GET "
        + "/api/v1/generation/jobs/{id}); use the backend directly for its files"
    private static let upload =
        "Uploads live on one SD.Next server, and a job may run on another: send images inline as base64"
    private static let latents =
        "Latent history belongs to one SD.Next server's last generations, and the pool's jobs run on several"
    private static let civitai = "Model downloads are managed on each SD.Next backend: use its own API or UI"
    private static let autocomplete = "Autocomplete files are managed on each SD.Next backend: use its own API or UI"

    private static let named: [Refusal] = [
        Refusal(.post, "shutdown", "Easel's gateway does not stop the pool's SD.Next servers: stop a backend on its own host"),
        Refusal(.post, "restart", "Easel's gateway does not restart the pool's SD.Next servers: restart a backend on its own host"),
        Refusal(
            .post, "unload-checkpoint",
            "The pool's backends keep the models their queued jobs need: Easel loads a job's model on the backend that runs it"),
        Refusal(
            .post, "lock-checkpoint",
            "Easel switches each backend's model for the jobs it dispatches, so a backend's model cannot be locked through "
                + "the pool: pick a model with POST /sdapi/v1/options (sd_model_checkpoint)"),
        Refusal(
            .get, "png-info",
            "GET /sdapi/v1/png-info reads an image file on one SD.Next server's disk: POST /sdapi/v1/png-info with the "
                + "image as base64 instead"),
        Refusal(.post, "upload", upload), Refusal(.put, "upload", upload),
        Refusal(.get, "log", "Each SD.Next backend keeps its own log: read it on the backend; Easel logs to its own output"),
        Refusal(.post, "log", "Each SD.Next backend keeps its own log: Easel's gateway does not write to it"),
        Refusal(.get, "latents", latents), Refusal(.post, "latents", latents),
        Refusal(.get, "civitai", civitai), Refusal(.post, "civitai", civitai),
        Refusal(.post, "autocomplete/{name}/download", autocomplete), Refusal(.delete, "autocomplete/{name}", autocomplete),
    ]

    private static let outsideQueuePaths = [
        "process", "extra-single-image", "process-batch", "extra-batch-images", "preprocess", "mask", "detect", "detail",
        "prompt-enhance", "caption", "openclip", "vqa", "analyze", "tagger", "nudenet", "prompt-lang", "image-guard",
        "prompt-banned", "rembg", "framepack",
    ]
    private static let serverFilePaths: [(HTTPRequest.Method, String)] =
        ["file", "browser/folders", "browser/thumb", "browser/files", "network", "network/thumb", "network/metadata",
         "network/info", "network/desc"].map { (.get, $0) } + [(.delete, "delete-image"), (.delete, "delete-file")]

    static let all: [Refusal] =
        named
        + outsideQueuePaths.map { Refusal(.post, $0, "POST /sdapi/v1/\($0) " + outsideQueue) }
        + serverFilePaths.map { Refusal($0.0, $0.1, "\($0.0) /sdapi/v1/\($0.1) " + serverFiles) }

    static func add<Context>(to api: RouterGroup<Context>) {
        for refusal in all {
            api.on(RouterPath(refusal.path), method: refusal.method) { _, _ -> Response in
                throw GatewayError.notImplemented(refusal.detail)
            }
        }
    }
}
