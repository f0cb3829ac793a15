/// A tightly packed 8-bit RGB raster, the emulator's in-memory picture format.
struct RGBImage: Sendable, Equatable {
    let width: Int
    let height: Int
    /// `width * height * 3` bytes, row-major, R G B.
    var pixels: [UInt8]

    init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "pixel buffer does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled by `fill`, which receives the whole buffer to write into.
    static func make(width: Int, height: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> RGBImage {
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { buffer, count in
            fill(buffer)
            count = width * height * 3
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Nearest-neighbour resize: cheap and good enough for previews and init images.
    func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        if newWidth == width && newHeight == height { return self }
        return pixels.withUnsafeBufferPointer { source in
            RGBImage.make(width: newWidth, height: newHeight) { target in
                for y in 0..<newHeight {
                    let sourceRow = (y * height / newHeight) * width
                    for x in 0..<newWidth {
                        let from = (sourceRow + x * width / newWidth) * 3
                        let to = (y * newWidth + x) * 3
                        target[to] = source[from]
                        target[to + 1] = source[from + 1]
                        target[to + 2] = source[from + 2]
                    }
                }
            }
        }
    }

    /// Linear blend from `self` (t = 0) to `other` (t = 1); both must have the same size.
    func blended(toward other: RGBImage, amount t: Double) -> RGBImage {
        let weight = Int((min(max(t, 0), 1) * 256).rounded())
        return pixels.withUnsafeBufferPointer { from in
            other.pixels.withUnsafeBufferPointer { to in
                RGBImage.make(width: width, height: height) { target in
                    for index in 0..<target.count {
                        let a = Int(from[index])
                        target[index] = UInt8(a + ((Int(to[index]) - a) * weight) >> 8)
                    }
                }
            }
        }
    }

    /// Images laid out in a near-square grid, as SD.Next's `image_grid` does for `return_grid`.
    static func grid(_ images: [RGBImage]) -> RGBImage? {
        guard let first = images.first else { return nil }
        var columns = 1
        while columns * columns < images.count { columns += 1 }
        let rows = (images.count + columns - 1) / columns
        let cellWidth = first.width, cellHeight = first.height
        let gridWidth = cellWidth * columns
        return RGBImage.make(width: gridWidth, height: cellHeight * rows) { target in
            target.initialize(repeating: 0)
            for (position, image) in images.enumerated() where image.width == cellWidth && image.height == cellHeight {
                let originX = (position % columns) * cellWidth
                let originY = (position / columns) * cellHeight
                image.pixels.withUnsafeBufferPointer { source in
                    for row in 0..<cellHeight {
                        let to = ((originY + row) * gridWidth + originX) * 3
                        let from = row * cellWidth * 3
                        for offset in 0..<(cellWidth * 3) { target[to + offset] = source[from + offset] }
                    }
                }
            }
        }
    }
}
