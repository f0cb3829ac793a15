import DynamicJSON
import EaselCore
import EaselGeneration
import Foundation
import Hummingbird
import SDNext
import SDNextModels

/// SD.Next's options and checkpoint routes, per caller: setting `sd_model_checkpoint` (by options, by
/// `POST checkpoint`) picks the model of the caller's next jobs, which dispatch then routes to backends that have
/// it, instead of switching a backend other callers share; other options ride on the caller's jobs as
/// `override_settings`. Reading answers for the pool, with the caller's own settings on top.
extension SDNextGateway {
    func addOptionsRoutes(to api: RouterGroup<Context>) {
        api.get("options") { _, context in
            var options = try await listings.fanOut.firstAnswer("/sdapi/v1/options") { try await $0.client.options() }
            options.merge(callers.options(of: Caller(context))) { _, own in own }
            return SDNextJSON(.object(options))
        }
        api.post("options") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            guard let sent = try SDNextBody.json(body).objectValue else {
                throw GatewayError.validation([FieldIssue(
                    type: "dict_type", loc: [.string("body")], msg: "Input should be a valid dictionary", input: .null)])
            }
            var options = sent
            if let model = sent[CallerBook.modelOption] {
                options[CallerBook.modelOption] = .string(try checkpointTitle(model.stringValue ?? ""))
            }
            let known = await optionNames()
            let kept = callers.setOptions(options.filter { known?.contains($0.key) ?? true }, for: Caller(context))
            // As SD.Next's `opts.set`: false for a key it does not have (or, here, one past the caller's bounds).
            return SDNextJSON(.object([
                "updated": .array(sent.keys.sorted().map { .object([$0: .bool(kept.contains($0))]) }),
            ]))
        }
        api.get("checkpoint") { _, context in
            let model = callers.options(of: Caller(context))[CallerBook.modelOption]?.stringValue
            guard let model, let info = checkpoint(titled: model) else {
                return SDNextJSON(.object(["type": .null, "class": .null]))
            }
            return SDNextJSON(.object([
                "type": info.type.map(JSONValue.string) ?? .null, "class": .null, "checkpoint": .string(info.filename),
                "title": .string(info.title), "name": .string(info.modelName), "filename": .string(info.filename),
                "hash": info.hash.map(JSONValue.string) ?? .null,
            ]))
        }
        api.post("checkpoint") { request, context in
            guard let name = request.uri.queryParameters["sd_model_checkpoint"].map(String.init) else {
                throw GatewayError.validation([FieldIssue(
                    type: "missing", loc: [.string("query"), .string(CallerBook.modelOption)], msg: "Field required",
                    input: .null)])
            }
            callers.setOptions([CallerBook.modelOption: .string(try checkpointTitle(name))], for: Caller(context))
            return SDNextJSON(.object(["ok": .bool(true)]))
        }
        // The caller's model is loaded by the backend its next job goes to: nothing to reload now.
        api.post("reload-checkpoint") { _, _ in Response.noContent }
    }

    /// Every option name the pool's backends have (`options-info`), or nil when no backend answers.
    func optionNames() async -> Set<String>? {
        guard let listing = PoolListing.all.first(where: { $0.path == "options-info" }),
            let info = try? await listings.answer(listing, to: "/sdapi/v1/options-info")
        else { return nil }
        return info["options"]?.objectValue.map { Set($0.keys) }
    }

    /// The canonical title of a checkpoint some backend of the pool has, or SD.Next's 404 naming the model.
    func checkpointTitle(_ query: String) throws -> String {
        do {
            let resolution = try PoolRequirements(backends: backends).resolve(model: query, prompt: "")
            return resolution.requirements.model ?? query
        } catch {
            throw GatewayError.httpException(
                .notFound, detail: "Model not found: no backend of the pool has the checkpoint \"\(query)\"",
                errorCode: JobFailure.Code.modelUnavailable.rawValue)
        }
    }

    func checkpoint(titled title: String) -> ModelInfo? {
        backends.lazy.compactMap { $0.status.inventory?.checkpoint(matching: title) }.first
    }
}
