import Hummingbird
import NIOCore

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
            let parsed = try Self.validated(try await request.jsonBody(context: context), fields: RequestSchema.txt2img)
            return try await respond(to: GenerationPlan(kind: .txt2img, request: parsed), context: context)
        }
        group.post("/sdapi/v1/img2img") { request, context in
            var request = request
            let parsed = try Self.validated(try await request.jsonBody(context: context), fields: RequestSchema.img2img)
            guard let encoded = parsed.values["init_images"]?.arrayValue, !encoded.isEmpty else {
                throw APIError.initImageMissing
            }
            let images = try encoded.map(Self.decodeImage)
            return try await respond(to: GenerationPlan(kind: .img2img, request: parsed, initImage: images[0]), context: context)
        }
        group.post("/sdapi/v1/control") { request, context in
            var request = request
            let parsed = try Self.validated(try await request.jsonBody(context: context), fields: RequestSchema.control)
            let plan = GenerationPlan(kind: .control, request: parsed, controlImages: try Self.controlImages(parsed))
            return try await respond(to: plan, context: context)
        }
    }

    /// Schema validation, then the sampler check (404 before queueing, §6.4). As SD.Next's `generate.py`
    /// (`validate_sampler_name(sampler_name or sampler_index)`): an empty or null `sampler_name` falls back to
    /// `sampler_index`, which names a sampler only when it is a string (A1111 clients send `"Euler a"` there); the
    /// canonical name is what the generation uses (`parameters` still echoes the request as sent).
    private static func validated(_ body: JSONValue, fields: [FieldSpec]) throws -> ParsedRequest {
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

    /// One control input per unit (its `image`/`override`, else the matching `inputs` entry), or
    /// one per input when no units are given.
    private static func controlImages(_ request: ParsedRequest) throws -> [RGBImage] {
        let inputs = try (request.values["inputs"]?.arrayValue ?? []).map(decodeImage)
        let units = request.values["control"]?.arrayValue ?? []
        guard !units.isEmpty else { return inputs }
        return try units.enumerated().compactMap { index, unit in
            let object = unit.objectValue
            if let encoded = object?["image"] ?? object?["override"], !encoded.isNull { return try decodeImage(encoded) }
            return inputs.isEmpty ? nil : inputs[min(index, inputs.count - 1)]
        }
    }

    private func respond(to plan: GenerationPlan, context: Context) async throws -> Response {
        let runner = self.runner
        let outcome = try await queue.perform { try await runner.run(plan) }
        let body = await responseBody(plan: plan, outcome: outcome)
        if await controls.faults.dropConnection {
            return Self.truncated(body, channel: context.channel)
        }
        return Response.json(body)
    }

    private func responseBody(plan: GenerationPlan, outcome: GenerationOutcome) async -> JSONValue {
        let options = await state.options
        var images = zip(outcome.images, outcome.infotexts).map { (image: $0, infotext: $1) }
        if plan.request.bool("save_images"), images.count > 1, options.returnGrid, let grid = RGBImage.grid(outcome.images) {
            images.insert((grid, outcome.infotexts[0]), at: 0)
        }
        if !plan.request.bool("send_images") { images = [] }
        let encoded: [JSONValue] = images.map { image, infotext in
            .string(
                ImageCodec.base64(
                    ImageCodec.encode(image, as: options.samplesFormat, quality: options.jpegQuality, parameters: infotext)))
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
