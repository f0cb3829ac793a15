import AsyncHTTPClient
import CImageCodec
import EaselTesting
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SDNextEmulator
import Testing

/// A finished HTTP exchange with the emulator.
struct HTTPResult: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object; fails the test when it is not one.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    func array(sourceLocation: SourceLocation = #_sourceLocation) throws -> [Any] {
        let value = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        return try #require(value as? [Any], "not a JSON array: \(text)", sourceLocation: sourceLocation)
    }
}

/// Raw AsyncHTTPClient calls against a running emulator (deliberately not the SDNext client).
struct EmulatorClient: Sendable {
    let baseURL: String
    var authorization: String?

    init(_ emulator: RunningEmulator, authorization: String? = nil) {
        baseURL = emulator.baseURL
        self.authorization = authorization
    }

    init(baseURL: String) { self.baseURL = baseURL }

    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        timeout: TimeAmount = .seconds(30)
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 256 << 20)
        return HTTPResult(status: Int(response.status.code), headers: response.headers, body: Array(buffer.readableBytesView))
    }

    func get(_ path: String) async throws -> HTTPResult { try await request(.GET, path) }

    func post(_ path: String, _ body: String? = nil, timeout: TimeAmount = .seconds(60)) async throws -> HTTPResult {
        try await request(.POST, path, body: body, timeout: timeout)
    }

    /// `/sdapi/v1/progress` decoded.
    func progress(skipImage: Bool = true) async throws -> [String: Any] {
        try await get("/sdapi/v1/progress?skip_current_image=\(skipImage)").object()
    }

    func state() async throws -> [String: Any] {
        try #require(try await progress()["state"] as? [String: Any])
    }

    func setFaults(_ json: String) async throws {
        let result = try await post("/emulator/faults", json)
        #expect(result.status == 200, "faults: \(result.text)")
    }

    /// Polls until the emulator is sampling (`Inference`) at `step` or later; used with the hang fault.
    func waitForInference(atLeast step: Int = 1) async throws {
        try await waitUntil("Inference at step \(step)") {
            let state = try await self.state()
            return state["job"] as? String == "Inference" && (state["sampling_step"] as? Int ?? 0) >= step
        }
    }
}

/// Decoded pixel size of base64 image data, via the same C codec the emulator uses.
func decodedSize(ofBase64 text: String) -> (format: String, width: Int, height: Int)? {
    guard let data = Data(base64Encoded: text) else { return nil }
    let bytes = [UInt8](data)
    var width: Int32 = 0, height: Int32 = 0
    let status: Int32
    let format: String
    if bytes.starts(with: [0xFF, 0xD8]) {
        format = "jpeg"
        status = bytes.withUnsafeBufferPointer { easel_jpeg_decode($0.baseAddress, $0.count, &width, &height, nil) }
    } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
        format = "png"
        status = bytes.withUnsafeBufferPointer { easel_png_decode($0.baseAddress, $0.count, &width, &height, nil) }
    } else {
        return nil
    }
    return status == 0 ? (format, Int(width), Int(height)) : nil
}

/// A small PNG as base64, for img2img and control inputs.
func samplePNGBase64(width: Int = 32, height: Int = 32) -> String {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width where x > width / 2 {
            let index = (y * width + x) * 3
            pixels[index] = 255
            pixels[index + 1] = 255
            pixels[index + 2] = 255
        }
    }
    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    _ = pixels.withUnsafeBufferPointer { easel_png_encode($0.baseAddress, Int32(width), Int32(height), &output, &size) }
    defer { easel_codec_free(output) }
    return Data(UnsafeBufferPointer(start: output, count: size)).base64EncodedString()
}

/// `withSDNextEmulator` with a logger that keeps test output readable (every emulator logs its
/// start, and the fault tests provoke server-side errors on purpose).
func withEmulator<Result: Sendable>(
    _ configuration: EmulatorConfiguration = EmulatorConfiguration.testing(stepDuration: .milliseconds(5)), _ body: (RunningEmulator) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "sdnext-emulator-test")
    logger.logLevel = .critical
    return try await withSDNextEmulator(configuration: configuration, logger: logger, body)
}
