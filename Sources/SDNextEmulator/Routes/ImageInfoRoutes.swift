import Hummingbird
import SDNextModels

/// `POST /sdapi/v1/png-info` and the single-image postprocessing routes (`extra-single-image`, and
/// `process`, the same handler), as `modules/api/endpoints.post_pnginfo` and `process.py` answer.
struct ImageInfoRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let state: EmulatorState
    let queue: GenerationQueue
    let runner: GenerationRunner

    static let paths: Set<String> = ["/sdapi/v1/png-info", "/sdapi/v1/extra-single-image", "/sdapi/v1/process"]

    /// `ReqProcess`'s fields with their defaults (models.py); `image` is required besides.
    static let processFields: [SDNextField] = [
        SDNextField("resize_mode", .float, 0.0),
        SDNextField("show_extras_results", .bool, true),
        SDNextField("upscaling_resize", .float, 2.0),
        SDNextField("upscaling_resize_w", .int, 512),
        SDNextField("upscaling_resize_h", .int, 512),
        SDNextField("upscaling_crop", .bool, true),
        SDNextField("upscaler_1", .string, "None"),
        SDNextField("upscaler_2", .string, "None"),
        SDNextField("extras_upscaler_2_visibility", .float, 0.0),
        SDNextField("script_args", .dict, .null),
        SDNextField("image", .string, .null),
    ]

    func register(on group: RouterGroup<Context>) {
        group.post("/sdapi/v1/png-info") { request, context in
            var request = request
            let body = try await request.jsonBody(context: context)
            let parsed = try RequestSchema.validate(body, fields: [SDNextField("image", .string, .null)])
            guard let image = parsed.values["image"]?.stringValue else { throw Self.missingImage(body) }
            return Response.json(try Self.imageInfo(image))
        }
        for path in ["/sdapi/v1/extra-single-image", "/sdapi/v1/process"] {
            group.post(RouterPath(path)) { request, context -> Response in
                var request = request
                let body = try await request.jsonBody(context: context)
                let parsed = try Self.validatedProcess(body)
                try await postprocess(parsed)
            }
        }
    }

    /// `{info, items, parameters}`; an empty `image` answers all three empty, an undecodable one 500.
    static func imageInfo(_ encoded: String) throws -> JSONValue {
        let trimmed = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .object(["info": "", "items": .object([:]), "parameters": .object([:])]) }
        guard let bytes = ImageCodec.decodeBase64(trimmed), let metadata = ImageMetadata.read(bytes) else {
            throw APIError.invalidImage
        }
        return .object([
            "info": .string(metadata.info), "items": .object(metadata.items),
            "parameters": .object(InfotextParser.parse(metadata.info)),
        ])
    }

    /// `extras_single_image_api`: decodes the image, runs the `Upscale` postprocessing under the lock in a
    /// `Process` stage, then builds `ResProcessImage(html_info=result[1])`. At the reference commit
    /// `run_extras` returns `(outputs, video, info, params)`, so `result[1]` is the video, None for an image,
    /// and pydantic rejects it: every call ends in a 500 `ValidationError` after the work is done. The
    /// emulator answers the same; since the upscaled image never reaches the client, only the stage and its
    /// time are observable, so no image is resized (a requested 100000×100000 would allocate 30 GB).
    private func postprocess(_ parsed: ParsedRequest) async throws -> Never {
        guard parsed.string("image").flatMap(ImageCodec.decodeBase64Image) != nil else { throw APIError.invalidImage }
        let state = self.state, runner = self.runner
        try await queue.perform {
            await state.begin("Process")
            do {
                try await runner.pause(runner.timings.gap)
            } catch {
                await state.end()
                throw error
            }
            await state.end()
        }
        throw APIError.processImageValidation
    }

    private static func validatedProcess(_ body: JSONValue) throws -> ParsedRequest {
        let parsed = try RequestSchema.validate(body, fields: processFields)
        var issues: [ValidationIssue] = []
        if parsed.values["image"]?.stringValue == nil { issues.append(missingIssue(body)) }
        let factor = parsed.double("upscaling_resize")
        if factor < 1 { issues.append(bound("upscaling_resize", parsed.value("upscaling_resize"), "greater_than_equal", 1)) }
        if factor > 8 { issues.append(bound("upscaling_resize", parsed.value("upscaling_resize"), "less_than_equal", 8)) }
        for key in ["upscaling_resize_w", "upscaling_resize_h"] where parsed.int(key) < 1 {
            issues.append(bound(key, parsed.value(key), "greater_than_equal", 1))
        }
        let visibility = parsed.double("extras_upscaler_2_visibility")
        if visibility < 0 { issues.append(bound("extras_upscaler_2_visibility", parsed.value("extras_upscaler_2_visibility"), "greater_than_equal", 0)) }
        if visibility > 1 { issues.append(bound("extras_upscaler_2_visibility", parsed.value("extras_upscaler_2_visibility"), "less_than_equal", 1)) }
        guard issues.isEmpty else { throw APIError.validation(issues) }
        return parsed
    }

    /// pydantic's `ge`/`le` failure.
    private static func bound(_ field: String, _ input: JSONValue, _ type: String, _ limit: Int) -> ValidationIssue {
        let relation = type == "greater_than_equal" ? "greater than or equal to" : "less than or equal to"
        return ValidationIssue(
            type: type, loc: ["body", .string(field)], msg: "Input should be \(relation) \(limit)", input: input,
            ctx: [type == "greater_than_equal" ? "ge" : "le": .int(limit)])
    }

    private static func missingIssue(_ body: JSONValue) -> ValidationIssue {
        ValidationIssue(type: "missing", loc: ["body", "image"], msg: "Field required", input: body)
    }

    private static func missingImage(_ body: JSONValue) -> APIError { .validation([missingIssue(body)]) }
}

extension APIError {
    /// What `ResProcessImage(html_info=None)` raises, rendered by SD.Next's `handle_exception`: a pydantic
    /// `ValidationError` has no `status_code`/`detail`/`body`, so they default to 500, `""` and `""`.
    static let processImageValidation = APIError(
        status: .internalServerError,
        body: .object([
            "error": "ValidationError", "code": 500, "detail": "", "body": "",
            "errors": """
                1 validation error for ResProcessImage
                html_info
                  Input should be a valid string [type=string_type, input_value=None, input_type=NoneType]
                    For further information visit https://errors.pydantic.dev/2.13/v/string_type
                """,
        ]))
}
