/// The emulator's stand-in for SD.Next's `current_latent` and `current_image`.
///
/// The sampler "latent" is a pair of small rasters (seeded noise and the finished picture); a
/// preview is decoded lazily, at most once per step, by blending noise → picture by step/steps,
/// which is how a live preview visibly sharpens during real sampling.
struct LivePreview: Sendable {
    /// What a step callback stores: enough to decode a preview on demand.
    struct Latent: Sendable {
        let noise: RGBImage
        let picture: RGBImage
    }

    /// Previews are at most this long on their long edge (TAESD output with `live_preview_downscale`).
    static let longEdge = 256

    /// The preview size for an image of `width`×`height`: shrunk so its long edge fits `longEdge`.
    static func size(width: Int, height: Int) -> (width: Int, height: Int) {
        let edge = max(width, height)
        guard edge > longEdge else { return (width, height) }
        return (max(1, width * longEdge / edge), max(1, height * longEdge / edge))
    }

    private(set) var latent: Latent?
    private(set) var image: RGBImage?
    private var imageStep = -1
    /// SD.Next's `id_live_preview`: increments each time a new preview is decoded.
    private(set) var counter = 0

    /// `begin()` drops the latent and the image.
    mutating func reset() {
        latent = nil
        image = nil
        imageStep = -1
        counter = 0
    }

    mutating func store(_ latent: Latent) { self.latent = latent }

    /// Decodes a preview for `step` of `steps` unless one for that step exists; true when an image exists.
    @discardableResult
    mutating func decode(step: Int, steps: Int) -> Bool {
        guard let latent else { return image != nil }
        if imageStep != step {
            let amount = steps > 0 ? Double(step) / Double(steps) : 1
            image = latent.noise.blended(toward: latent.picture, amount: amount)
            imageStep = step
            counter += 1
        }
        return image != nil
    }
}

/// One `/sdapi/v1/history` record: a stage begin or end.
struct HistoryEntry: Sendable {
    let id: String
    let job: String
    let op: String
    let timestamp: Double?
    let duration: Double?

    var json: JSONValue {
        .object([
            "id": .string(id), "job": .string(job), "op": .string(op), "timestamp": .double(timestamp),
            "duration": .double(duration), "outputs": .array([]),
        ])
    }
}
