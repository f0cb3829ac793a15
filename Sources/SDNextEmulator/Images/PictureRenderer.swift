import Foundation

/// Paints the emulator's "generated" pictures: a landscape (sky gradient, sun, three ranges of
/// hills) whose colours come from the prompt and whose layout comes from the seed.
///
/// A person looking at a demo should see a plausible picture that changes with prompt and seed,
/// and the same request must always give the same pixels, so tests can compare bytes.
struct PictureRenderer {
    let seed: UInt64
    let prompt: String

    /// The finished picture at the requested size.
    func render(width: Int, height: Int) -> RGBImage {
        let palette = Palette(promptHash: Self.fnv1a(prompt), seed: seed)
        var random = SplitMix64(seed: seed ^ 0x5D_4E_78_12_3A_9B_C0_01)
        let sunX = 0.15 + 0.7 * random.nextUnit()
        let sunY = 0.12 + 0.28 * random.nextUnit()
        let sunRadius = 0.05 + 0.04 * random.nextUnit()
        let ridges = (0..<3).map { layer in Ridge(layer: layer, random: &random) }
        let ridgeRows: [[Int]] = ridges.map { ridge in
            (0..<width).map { x in Int(ridge.height(at: Double(x) / Double(max(width, 1))) * Double(height)) }
        }
        let scale = Double(min(width, height))
        let sunCenterX = sunX * Double(width), sunCenterY = sunY * Double(height)
        let radius = sunRadius * scale
        return RGBImage.make(width: width, height: height) { target in
            for y in 0..<height {
                let sky = palette.sky(at: Double(y) / Double(max(height - 1, 1)))
                for x in 0..<width {
                    var color = sky
                    var covered = false
                    for layer in stride(from: 2, through: 0, by: -1) where y >= ridgeRows[layer][x] {
                        let depth = max(0, Double(y) / Double(height) - ridges[layer].base + 0.12)
                        color = palette.hill(layer: layer, depth: depth)
                        covered = true
                        break
                    }
                    if !covered {
                        let dx = Double(x) - sunCenterX, dy = Double(y) - sunCenterY
                        let distance = (dx * dx + dy * dy).squareRoot()
                        if distance < radius {
                            color = palette.sun
                        } else {
                            let glow = max(0, 1 - distance / (radius * 5))
                            color = color.mixed(with: palette.sun, amount: glow * glow * 0.6)
                        }
                    }
                    let index = (y * width + x) * 3
                    target[index] = color.r
                    target[index + 1] = color.g
                    target[index + 2] = color.b
                }
            }
        }
    }

    /// Seeded colour noise: what a preview looks like at step 0.
    func noise(width: Int, height: Int) -> RGBImage {
        var random = SplitMix64(seed: seed ^ 0xA5A5_5A5A_0F0F_F0F0)
        return RGBImage.make(width: width, height: height) { target in
            var index = 0
            while index < target.count {
                let bits = random.next()
                target[index] = UInt8(truncatingIfNeeded: bits)
                if index + 1 < target.count { target[index + 1] = UInt8(truncatingIfNeeded: bits >> 8) }
                if index + 2 < target.count { target[index + 2] = UInt8(truncatingIfNeeded: bits >> 16) }
                index += 3
            }
        }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// A ridge line: a sum of two sines, placed lower for nearer layers.
private struct Ridge {
    let base: Double, amplitude1: Double, frequency1: Double, phase1: Double
    let amplitude2: Double, frequency2: Double, phase2: Double

    init(layer: Int, random: inout SplitMix64) {
        base = 0.55 + 0.12 * Double(layer)
        amplitude1 = 0.04 + 0.05 * random.nextUnit()
        frequency1 = 1.5 + 2.5 * random.nextUnit()
        phase1 = 6.283 * random.nextUnit()
        amplitude2 = 0.01 + 0.03 * random.nextUnit()
        frequency2 = 5 + 7 * random.nextUnit()
        phase2 = 6.283 * random.nextUnit()
    }

    /// Top of the ridge at horizontal position `u` (0...1), as a fraction of the height.
    func height(at u: Double) -> Double {
        base - amplitude1 * sin(u * frequency1 * 6.283 + phase1) - amplitude2 * sin(u * frequency2 * 6.283 + phase2)
    }
}

/// Colours of one picture, derived from the prompt (hues) and the seed (small shifts).
private struct Palette {
    let skyTop: Color, horizon: Color, sun: Color
    let hills: [Color]

    init(promptHash: UInt64, seed: UInt64) {
        let hue = Double(promptHash % 360)
        let shift = Double(seed % 40) - 20
        skyTop = Color(hue: hue + 200 + shift, saturation: 0.55, value: 0.55)
        horizon = Color(hue: hue + 20, saturation: 0.45, value: 0.97)
        sun = Color(hue: hue + 40, saturation: 0.35, value: 1.0)
        let hillHue = hue + 100 + Double((promptHash >> 16) % 60)
        hills = (0..<3).map { layer in
            Color(hue: hillHue + Double(layer) * 12, saturation: 0.35 + 0.15 * Double(layer), value: 0.7 - 0.18 * Double(layer))
        }
    }

    func sky(at v: Double) -> Color { skyTop.mixed(with: horizon, amount: v * 1.6) }

    func hill(layer: Int, depth: Double) -> Color {
        hills[layer].mixed(with: Color(r: 0, g: 0, b: 0), amount: min(0.5, depth * 1.5))
    }
}

private struct Color {
    var r: UInt8, g: UInt8, b: UInt8

    init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    init(hue: Double, saturation: Double, value: Double) {
        let h = (hue.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360) / 60
        let c = value * saturation
        let x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1))
        let (r, g, b): (Double, Double, Double) =
            switch Int(h) {
            case 0: (c, x, 0)
            case 1: (x, c, 0)
            case 2: (0, c, x)
            case 3: (0, x, c)
            case 4: (x, 0, c)
            default: (c, 0, x)
            }
        let m = value - c
        self.init(r: UInt8((r + m) * 255), g: UInt8((g + m) * 255), b: UInt8((b + m) * 255))
    }

    func mixed(with other: Color, amount: Double) -> Color {
        let t = min(max(amount, 0), 1)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8(Double(a) + (Double(b) - Double(a)) * t) }
        return Color(r: mix(r, other.r), g: mix(g, other.g), b: mix(b, other.b))
    }
}

/// SplitMix64: a tiny, fast, well-distributed deterministic generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in 0..<1.
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
