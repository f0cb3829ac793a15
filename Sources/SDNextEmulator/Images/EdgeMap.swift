/// Builds the control map SD.Next's `/control` returns in `processed`: here a Canny-like edge
/// image (white edges on black) from a Sobel gradient of the input.
enum EdgeMap {
    static func edges(of image: RGBImage, threshold: Int = 96) -> RGBImage {
        let width = image.width, height = image.height
        let luma: [Int] = image.pixels.withUnsafeBufferPointer { pixels in
            (0..<(width * height)).map { index in
                let red = Int(pixels[index * 3]) * 77
                let green = Int(pixels[index * 3 + 1]) * 150
                let blue = Int(pixels[index * 3 + 2]) * 29
                return (red + green + blue) >> 8
            }
        }
        return luma.withUnsafeBufferPointer { gray in
            RGBImage.make(width: width, height: height) { target in
                target.initialize(repeating: 0)
                guard width > 2, height > 2 else { return }
                for y in 1..<(height - 1) {
                    for x in 1..<(width - 1) {
                        func at(_ dx: Int, _ dy: Int) -> Int { gray[(y + dy) * width + x + dx] }
                        let right: Int = at(1, -1) + 2 * at(1, 0) + at(1, 1)
                        let left: Int = at(-1, -1) + 2 * at(-1, 0) + at(-1, 1)
                        let below: Int = at(-1, 1) + 2 * at(0, 1) + at(1, 1)
                        let above: Int = at(-1, -1) + 2 * at(0, -1) + at(1, -1)
                        let gx = right - left, gy = below - above
                        if abs(gx) + abs(gy) >= threshold {
                            let index = (y * width + x) * 3
                            target[index] = 255
                            target[index + 1] = 255
                            target[index + 2] = 255
                        }
                    }
                }
            }
        }
    }
}
