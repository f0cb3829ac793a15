import Hummingbird

/// Which server the emulator impersonates: today's SD.Next, an SD.Next release from before the per-stage
/// progress rewrite (2025-08-20), or AUTOMATIC1111's webui.
///
/// Clients meet all three behind the same `/sdapi/v1` paths, so the emulator reproduces the differences a
/// client has to tolerate. Every difference is a property or method here, so the rest of the emulator asks
/// the flavor instead of testing which one it is.
public enum Flavor: String, Sendable, CaseIterable, Codable {
    case sdnext
    case sdnextLegacy = "sdnext-2025-08"
    case a1111

    /// How `/progress` numbers evolve during one request.
    enum ProgressModel: Sendable {
        /// SD.Next ≥ 2025-09-15: every stage `begin()`s and resets the state (reference §2.3).
        case perStage
        /// SD.Next ≤ 2025-08-20: one `begin` per request; `update()` adds each pass's steps and a job,
        /// `step()` counts up across passes, `nextjob()` adds a finished job (`modules/shared_state.py` @3214e7c).
        case cumulative
        /// A1111: one `begin` per request with `job_count = -1`, then `n_iter` (doubled by hires) jobs whose
        /// sampler reports 0-based steps; `nextjob()` resets the step (§2.2).
        case a1111
    }

    var progressModel: ProgressModel {
        switch self {
        case .sdnext: .perStage
        case .sdnextLegacy: .cumulative
        case .a1111: .a1111
        }
    }

    /// `samples_format` of a fresh install: A1111 writes PNG, SD.Next JPEG.
    public var defaultSamplesFormat: SamplesFormat { self == .a1111 ? .png : .jpg }

    /// SD.Next's limiter (`modules/api/validate.py`) arrived in 2026-03; older releases and A1111 have none.
    var hasRateLimiter: Bool { self == .sdnext }

    /// Routes of today's SD.Next this server does not have (they answer Starlette's 404).
    var absentPaths: Set<String> {
        switch self {
        case .sdnext, .sdnextLegacy: []
        case .a1111: ["/sdapi/v1/version", "/sdapi/v1/status", "/sdapi/v1/history", "/sdapi/v1/control"]
        }
    }

    /// A1111 registers its tasks (`force_task_id`) and lists the waiting ones at `/internal/pending-tasks`.
    var tracksTasks: Bool { self == .a1111 }

    /// The job name the request's one `begin()` sets, from the emulator's outer stage (`API-TXT`, ...).
    /// A1111 names only its two generation routes' jobs (`scripts_txt2img`, `scripts_img2img`); other work
    /// such as a model load keeps the emulator's title rather than posing as a txt2img job.
    func requestJob(outerStage: String) -> String {
        switch (self, outerStage) {
        case (.sdnextLegacy, "API-TXT"): "API TXT"
        case (.a1111, "API-TXT"): "scripts_txt2img"
        case (.a1111, "API-IMG"): "scripts_img2img"
        default: outerStage
        }
    }

    /// The job name legacy SD.Next's `state.update()` sets for a base pass (`get_job_name`).
    func passJob(outerStage: String) -> String { outerStage == "API-IMG" ? "Image" : "Text" }

    /// `POST /interrupt` and `/skip`: SD.Next answers 204; legacy SD.Next and A1111 return `{}` and `null`.
    func stopResponse(interrupt: Bool) -> Response {
        guard self != .sdnext else { return Response(status: .noContent) }
        return Response.json(interrupt ? .object([:]) : .null)
    }

    /// An error body as this server's exception handler writes it: A1111's has no `code`.
    func errorBody(_ body: JSONValue) -> JSONValue {
        guard self == .a1111, var object = body.objectValue, object["code"] != nil else { return body }
        object["code"] = nil
        return .object(object)
    }

    /// The 401 detail for wrong credentials (A1111's `--api-auth` check words it differently).
    var wrongCredentialsDetail: String { self == .a1111 ? "Incorrect username or password" : "Unauthorized" }

    /// A1111 mounts `/internal/*` on the app, outside the API's `--api-auth`; SD.Next protects it.
    func requiresAuth(path: String) -> Bool { !(self == .a1111 && path.hasPrefix("/internal/")) }

    /// `/sdapi/v1/version`: legacy SD.Next reports its release date, which is how a client tells it apart.
    func version(current: JSONValue) -> JSONValue {
        guard self == .sdnextLegacy, var object = current.objectValue else { return current }
        object["updated"] = "2025-08-20"
        object["commit"] = "3214e7c"
        return .object(object)
    }

    /// `/sdapi/v1/samplers`: A1111 lists each sampler's `aliases` (its k-diffusion names), SD.Next does not.
    func samplers(_ list: JSONValue) -> JSONValue {
        guard self == .a1111, let entries = list.arrayValue else { return list }
        return .array(
            entries.map { entry in
                guard var object = entry.objectValue, let name = object["name"]?.stringValue else { return entry }
                object["aliases"] = .array((Self.a1111Aliases[name] ?? []).map(JSONValue.string))
                return .object(object)
            })
    }

    private static let a1111Aliases: [String: [String]] = [
        "Euler a": ["k_euler_a", "k_euler_ancestral"], "Euler": ["k_euler"], "Heun": ["k_heun"],
        "DPM++ 2M": ["k_dpmpp_2m"], "DPM++ SDE": ["k_dpmpp_sde"], "DPM++ 2M SDE": ["k_dpmpp_2m_sde"],
        "DPM++ 3M SDE": ["k_dpmpp_3m_sde"], "LMSD": ["k_lms"], "KDPM2": ["k_dpm_2"], "KDPM2 a": ["k_dpm_2_a"],
        "DDIM": ["ddim"], "UniPC": ["unipc"], "LCM": ["k_lcm"],
    ]
}
