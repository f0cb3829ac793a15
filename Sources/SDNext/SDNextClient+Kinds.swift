extension SDNextClient {
    /// Sends a body of any kind to its route: txt2img, img2img, or control (as `ControlRequest.withImagesInUnits`,
    /// which every SD.Next release accepts). A txt2img or img2img answer has no processed maps.
    public func generate(_ request: GenerationRequest) async throws -> ControlResult {
        switch request {
        case .txt2img(let body):
            return ControlResult(try await txt2img(body))
        case .img2img(let body):
            return ControlResult(try await img2img(body))
        case .control(let body):
            return try await control(body.withImagesInUnits)
        }
    }
}

extension ControlResult {
    init(_ result: GenerationResult) {
        self.init(
            images: result.images, processed: [], parameters: result.parameters, info: result.info, rawInfo: result.rawInfo)
    }
}
