import DynamicJSON
import EaselCore
import EaselGeneration
import Foundation
import HTTPTypes
import Hummingbird
import SDNextModels

extension SDNextGateway {
    func addGenerationRoutes(to api: RouterGroup<Context>) {
        for kind in GenerationKind.allCases {
            api.post(RouterPath(kind.rawValue)) { request, context in
                try await generate(kind, request, caller: Caller(context))
            }
        }
    }

    /// Queues the body as an Easel job for `caller` and answers when it ends. A client that goes away only stops
    /// waiting: the job runs on, and its result stays in the REST routes.
    func generate(_ kind: GenerationKind, _ request: Request, caller: Caller) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: service.limits.maxRequestBytes)
        } catch {
            throw GatewayError.httpException(
                .contentTooLarge, detail: "Request body is larger than \(service.limits.maxRequestBytes) bytes")
        }
        let sent = try SDNextBody.parse(kind, from: body)
        var sdnext = sent.request
        if case .img2img(let img2img) = sdnext, img2img.initImages.isEmpty { throw GatewayError.initImageMissing }
        if kind != .control { try await checkSampler(sent.sent, kind: kind) }
        let options = callers.options(of: caller)
        sdnext.overrideOptions(options.filter { $0.key != CallerBook.modelOption })
        let model = sdnext.checkpointInBody ?? options[CallerBook.modelOption]?.stringValue
        let routing: PoolRequirements.Resolution
        do {
            routing = try PoolRequirements(backends: backends).resolve(model: model, prompt: sdnext.fields.prompt ?? "")
        } catch {
            throw GatewayError.unavailable(error.problems, in: sent.sent)
        }
        do {
            let (job, _) = try await service.generate(
                GenerationParameters(sending: sdnext), returnFormat: .url, requirements: routing.requirements,
                note: routing.note, requiringPrompt: false, queued: { callers.record($0.id, for: caller, taskID: sent.taskID) })
            return try GatewayAnswer(job: job, kind: kind, sent: sent.sent, images: service.presenter.images).response
        } catch let error as GenerationService.InvalidParameters {
            throw GatewayError.refused(error.problems, in: sent.sent)
        } catch let error as GenerationService.StoppedWaiting {
            throw GatewayError.httpException(
                .serviceUnavailable,
                detail: "Easel is shutting down; the job stays in its queue: GET /api/v1/generation/jobs/\(error.job.id.rawValue)",
                errorCode: JobFailure.Code.serverStopped.rawValue, jobID: error.job.id.rawValue)
        } catch let error as InputImages.TooLarge {
            throw GatewayError.httpException(
                .contentTooLarge, detail: "\(error.field): the image is larger than \(error.limit) bytes")
        }
    }
}

extension SDNextGateway {
    /// SD.Next's check before its lock, for txt2img and img2img (control runs an unknown sampler as "Default"):
    /// `sampler_name`, or `sampler_index` when that is empty and a name, must be a name or an alias of a sampler some
    /// backend of the pool has (case-insensitive), else 404 "Sampler not found" and nothing is queued. When no
    /// backend can list its samplers the job is queued and its backend judges.
    func checkSampler(_ sent: [String: JSONValue], kind: GenerationKind) async throws {
        let named = SDNextBody.value("sampler_name", sent: sent, kind: kind)?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let sampler = (named ?? SDNextBody.value("sampler_index", sent: sent, kind: kind)?.stringValue)?.lowercased()
        guard sampler != "default" else { return }
        guard let listing = PoolListing.all.first(where: { $0.path == "samplers" }),
            let known = try? await listings.answer(listing, to: "/sdapi/v1/samplers").arrayValue
        else { return }
        let names = known.flatMap { entry in
            ([entry["name"]] + (entry["aliases"]?.arrayValue ?? []).map(Optional.some)).compactMap { $0?.stringValue?.lowercased() }
        }
        guard let sampler, names.contains(sampler) else {
            throw GatewayError.httpException(.notFound, detail: "Sampler not found")
        }
    }
}

extension HTTPField.Name {
    /// The response header naming the Easel job behind a generation, for clients that also use the REST routes.
    static let easelJobID = HTTPField.Name("X-Easel-Job-Id")!
}

extension GenerationRequest {
    /// Sets each option as an `override_settings` entry unless the body sets it itself. Control has no
    /// `override_settings`: nothing changes.
    mutating func overrideOptions(_ options: [String: JSONValue]) {
        guard !options.isEmpty else { return }
        func merged(_ own: [String: JSONValue]?) -> [String: JSONValue] {
            (own ?? [:]).merging(options) { own, _ in own }
        }
        switch self {
        case .txt2img(var body):
            body.overrideSettings = merged(body.overrideSettings)
            self = .txt2img(body)
        case .img2img(var body):
            body.parameters.overrideSettings = merged(body.parameters.overrideSettings)
            self = .img2img(body)
        case .control:
            break
        }
    }
}

extension GatewayError {
    /// What no backend of the pool has: a model is SD.Next's 404 with `model_unavailable` (wherever the model came
    /// from: the body, its overrides, or the caller's options); a LoRA the prompt names is a 422 at `prompt`.
    static func unavailable(_ problems: [ParameterError], in sent: [String: JSONValue]) -> GatewayError {
        if let model = problems.first(where: { $0.field == "model" }) {
            return .httpException(
                .notFound, detail: "Model not found: \(model.message)", errorCode: JobFailure.Code.modelUnavailable.rawValue)
        }
        return refused(problems, in: sent)
    }

    /// Easel's own limits (size, steps …) refused the body: a 422 in FastAPI's shape, one entry per field.
    static func refused(_ problems: [ParameterError], in sent: [String: JSONValue]) -> GatewayError {
        .validation(problems.map { problem in
            let path = problem.field.split(separator: ".").map(String.init)
            return FieldIssue(
                type: "value_error", loc: [.string("body")] + path.map { Int($0).map { .number(Double($0)) } ?? .string($0) },
                msg: "Value error, \(problem.message)", input: path.first.flatMap { sent[$0] } ?? .null)
        })
    }
}
