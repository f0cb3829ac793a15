extension Img2ImgRequest {
    /// Builds a request from decoded images, sending them as plain base64.
    public init(initImages: [EncodedImage], parameters: Txt2ImgRequest = Txt2ImgRequest()) {
        self.init(initImages: initImages.map(\.base64), parameters: parameters)
    }
}
