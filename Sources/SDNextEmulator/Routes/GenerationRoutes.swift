import Hummingbird
import NIOCore
import SDNextModels

/// `POST /sdapi/v1/txt2img`, `/img2img` and `/control`: validate (before the lock, as SD.Next
/// does), queue behind the global lock, run the stages, then encode the images.
struct GenerationRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let queue: GenerationQueue
    let runner: GenerationRunner
    let controls: EmulatorControls

    func register(on group: RouterGroup<Context>) {
        group.post("/sdapi/v1/txt2img") { request, context in
            var request = request
            let body = try await request.jsonBody(context: context)
            let parsed = try Self.validated(body, fields: RequestSchema.txt2img)
            return try await respond(to: GenerationPlan(kind: .txt2img, request: parsed), body: body, context: context)
        }
        group.post("/sdapi/v1/img2img") { request, context in
            var request = request
            let body = try await request.jsonBody(context: context)
            let parsed = try Self.validated(body, fields: RequestSchema.img2img)
            guard let encoded = parsed.values["init_images"]?.arrayValue, !encoded.isEmpty else {
                throw APIError.initImageMissing
            }
            let images = try encoded.map(Self.decodeImage)
            let plan = GenerationPlan(kind: .img2img, request: parsed, initImage: images[0])
            return try await respond(to: plan, body: body, context: context)
        }
        group.post("/sdapi/v1/control") { request, context in
            var request = request
            let body = try await request.jsonBody(context: context)
            var parsed = try RequestSchema.validate(body, fields: RequestSchema.control)
            // `get_sampler_index(sampler_name)`: an exact name, else index 0, which is "Default"; never a 404.
            let name = parsed.string("sampler_name") ?? ""
            parsed.sampler = ModelCatalog.samplerNames.contains(name) ? name : "Default"
            let plan = GenerationPlan(kind: .control, request: parsed, controlImages: try Self.controlImages(parsed))
            return try await respond(to: plan, body: body, context: context)
        }
    }

    /// Schema validation, then the sampler check (404 before queueing, §6.4). As SD.Next's `generate.py`
    /// (`validate_sampler_name(sampler_name or sampler_index)`): an empty `sampler_name` falls back to
    /// `sampler_index`, which names a sampler only when it is a string (A1111 clients send `"Euler a"` there); the
    /// canonical name is what the generation uses (`parameters` still echoes the request as sent).
    private static func validated(_ body: JSONValue, fields: [SDNextField]) throws -> ParsedRequest {
        var parsed = try RequestSchema.validate(body, fields: fields)
        let named = parsed.values["sampler_name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard let sampler = named ?? parsed.values["sampler_index"]?.stringValue,
            let canonical = ModelCatalog.canonicalSampler(sampler)
        else { throw APIError.samplerNotFound }
        parsed.sampler = canonical
        return parsed
    }

    private static func decodeImage(_ value: JSONValue) throws -> RGBImage {
        guard let text = value.stringValue, let image = ImageCodec.decodeBase64Image(text) else {
            throw APIError.invalidImage
        }
        return image
    }

    /// One control image per unit that carries one: its `override`, else its `image`, as `prepare_control` picks.
    /// (Request-level `inputs` cannot carry any: the model refuses every JSON item, see `SDNextFieldType.imageList`.)
    private static func controlImages(_ request: ParsedRequest) throws -> [RGBImage] {
        try (request.values["control"]?.arrayValue ?? []).compactMap { unit in
            let object = unit.objectValue
            guard let encoded = [object?["override"], object?["image"]].compactMap({ $0 }).first(where: { !$0.isNull })
            else { return nil }
            return try decodeImage(encoded)
        }
    }

    /// Queues the plan behind the lock. A1111 registers the request as a task first (`force_task_id`, which
    /// SD.Next ignores, names it), starts it once the lock is held and finishes it only on success.
    private func respond(to plan: GenerationPlan, body: JSONValue, context: Context) async throws -> Response {
        let runner = self.runner, state = self.state
        let forcedID = body.objectValue?["force_task_id"]?.stringValue
        let task = await state.enqueueTask(forcedID: forcedID, type: plan.kind.operation)
        let outcome = try await queue.perform {
            await state.announce(iterations: plan.iterations, hires: plan.hiresSteps != nil)
            await state.startTask(task)
            let outcome = try await runner.run(plan)
            await state.finishTask(task)
            return outcome
        }
        let body = try await responseBody(plan: plan, outcome: outcome)
        if await controls.faults.dropConnection {
            return Self.truncated(body, channel: context.channel)
        }
        return Response.json(body)
    }

    private func responseBody(plan: GenerationPlan, outcome: GenerationOutcome) async throws -> JSONValue {
        let options = await state.options
        var images = zip(outcome.images, outcome.infotexts).map { (image: $0, infotext: $1) }
        if plan.request.bool("save_images"), images.count > 1, options.returnGrid, let grid = RGBImage.grid(outcome.images) {
            images.insert((grid, outcome.infotexts[0]), at: 0)
        }
        if !plan.request.bool("send_images") { images = [] }
        let encoded: [JSONValue] = try images.map { image, infotext in
            .string(
                ImageCodec.base64(
                    try ImageCodec.encode(image, as: options.samplesFormat, quality: options.jpegQuality, parameters: infotext)))
        }
        var parameters = plan.request
        if plan.kind == .img2img && !plan.request.bool("include_init_images") {
            parameters.set("init_images", .null)
            parameters.set("mask", .null)
        }
        guard plan.kind == .control else {
            let info: JSONValue = outcome.info.map { .string(JSONWriter.string($0, style: .pythonDumps)) } ?? ""
            return .object(["images": .array(encoded), "parameters": parameters.echo, "info": info])
        }
        let processed: [JSONValue] = outcome.processed.map { .string(ImageCodec.base64(ImageCodec.encode($0, as: .png))) }
        let infotext = outcome.info?.objectValue?["infotexts"]?.arrayValue?.first ?? ""
        return .object([
            "images": .array(encoded), "processed": .array(outcome.info == nil ? [] : processed),
            "params": parameters.echo, "info": infotext,
        ])
    }

    /// The `dropConnection` fault: announce the full length, send half the body, then close the socket.
    private static func truncated(_ body: JSONValue, channel: any Channel) -> Response {
        let bytes = JSONWriter.bytes(body)
        let half = ByteBuffer(bytes: bytes.prefix(bytes.count / 2))
        let headers: HTTPFields = [.contentType: "application/json", .contentLength: String(bytes.count)]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(contentLength: bytes.count) { writer in
                try await writer.write(half)
                channel.close(promise: nil)
                throw ConnectionDroppedError()
            })
    }
}

/// Ends a response body early for the `dropConnection` fault.
struct ConnectionDroppedError: Error {}
