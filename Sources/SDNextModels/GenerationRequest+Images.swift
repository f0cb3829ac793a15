extension GenerationRequest {
    /// Replaces every input image of the body (each a base64 string) by what `transform` makes of it. `field` names
    /// the image as a 422 would: `init_images.0`, `mask`, `inputs.1`, `inits.0`, `init_control.0`,
    /// `control.0.image`, `control.0.override`. Lets the caller keep images as files and put them back.
    public mutating func mapImages(_ transform: (_ field: String, _ image: String) throws -> String) rethrows {
        func list(_ name: String, _ images: [String]?) throws -> [String]? {
            try images.map { try $0.enumerated().map { try transform("\(name).\($0.offset)", $0.element) } }
        }
        switch self {
        case .txt2img:
            return
        case .img2img(var request):
            request.initImages = try list("init_images", request.initImages) ?? []
            request.mask = try request.mask.map { try transform("mask", $0) }
            self = .img2img(request)
        case .control(var request):
            request.inputs = try list("inputs", request.inputs)
            request.inits = try list("inits", request.inits)
            request.initControl = try list("init_control", request.initControl)
            request.mask = try request.mask.map { try transform("mask", $0) }
            if var units = request.control {
                for index in units.indices {
                    units[index].image = try units[index].image.map { try transform("control.\(index).image", $0) }
                    units[index].override = try units[index].override.map { try transform("control.\(index).override", $0) }
                }
                request.control = units
            }
            self = .control(request)
        }
    }
}
