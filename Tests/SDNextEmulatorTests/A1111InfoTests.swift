import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// On `--flavor a1111` a generation's `info` has the keys A1111's `Processed.js()` writes, which A1111 clients
/// (sd-backend-client's `GenerationInfoData`, for one) require.
@Suite(.timeLimit(.minutes(1))) struct A1111InfoTests {
    @Test func infoHasA1111sKeys() async throws {
        let configuration = EmulatorConfiguration(
            host: "127.0.0.1", port: 0, stepDuration: .milliseconds(2), stageGap: .milliseconds(1),
            rateLimitPerMinute: nil, flavor: .a1111)
        try await withEmulator(configuration) { emulator in
            let client = EmulatorClient(emulator)
            let result = try await client.post("/sdapi/v1/txt2img", #"{"prompt":"x","steps":2,"width":32,"height":32}"#)
            #expect(result.status == 200)
            let text = try #require(try result.object()["info"] as? String)
            let info = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(info["restore_faces"] as? Bool == false && info["is_using_inpainting_conditioning"] as? Bool == false)
            #expect(info["sd_model_name"] as? String == "sdxl-base-1.0" && info["version"] as? String == "v1.10.1")
            #expect(info.keys.contains("sd_vae_name") && info.keys.contains("sd_vae_hash"))
            #expect(info["styles"] as? [String] == [] && info["cfg_end"] == nil && info["detailer"] == nil)
        }
    }
}
