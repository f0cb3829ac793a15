import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// The request models of txt2img, img2img and control as SD.Next's pydantic builds them: every declared field with
/// its type and default, Optional only where SD.Next says so, unknown keys ignored.
@Suite(.timeLimit(.minutes(1))) struct RequestFieldTests {
    private static let small = #""prompt":"a fox","steps":1,"width":64,"height":64"#

    private func issues(_ result: HTTPResult) throws -> [[String: Any]] {
        try #require(try result.object()["detail"] as? [[String: Any]], "\(result.status): \(result.text)")
    }

    @Test func everyProcessingFieldIsEchoedWithItsDefaultInSDNextsOrder() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let result = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"not_a_field\":1}")
            #expect(result.status == 200, "\(result.text)")
            let echo = try #require(try result.object()["parameters"] as? [String: Any])
            #expect(echo.count == RequestSchema.txt2img.count)
            #expect(echo["not_a_field"] == nil)
            #expect(echo["grading_gamma"] as? Double == 1.0 && echo["hdr_mode"] as? Int == 0)
            #expect(echo["sampler_name"] as? String == "Default" && echo["hr_sampler_name"] as? String == "Same as primary")
            #expect(echo["denoising_strength"] as? Double == 0.3)
            #expect(echo["override_settings_restore_afterwards"] as? Bool == true)
            // The order of SD.Next's dict: the signature's, extras that replace a parameter keep its place.
            let names = RequestSchema.txt2img.map(\.name)
            #expect(names.first == "sd_model_checkpoint")
            #expect(try #require(names.firstIndex(of: "sampler_index")) < names.firstIndex(of: "cfg_scale")!)
            #expect(names.suffix(3) == ["control_units", "face", "extra"])
            #expect(RequestSchema.img2img.first { $0.name == "denoising_strength" }?.defaultValue == 0.5)
        }
    }

    @Test func optionalFieldsTakeNullAndDeclaredOnesRefuseIt() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            // Signature parameters are Optional in the API model: null passes validation.
            let optional = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"tiling\":null,\"hdr_mode\":null}")
            #expect(optional.status == 200, "\(optional.text)")
            // Extras are declared as their plain type.
            let declared = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"send_images\":null}")
            #expect(declared.status == 422)
            #expect(try issues(declared).first?["type"] as? String == "bool_type")
            // control keeps `control_run`'s annotations: `steps: int` refuses null.
            let control = try await client.post("/sdapi/v1/control", #"{"steps":null}"#)
            #expect(control.status == 422)
            #expect(try issues(control).first?["loc"] as? [String] == ["body", "steps"])
        }
    }

    @Test func typesFollowTheAnnotations() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            // `prompt: str`: a list is refused; `styles: list[str]`: each item is checked, with its index.
            let list = try await client.post("/sdapi/v1/txt2img", #"{"prompt":["a","b"],"styles":["ok",3]}"#)
            #expect(list.status == 422)
            let found = try issues(list)
            #expect(found.map { $0["type"] as? String } == ["string_type", "string_type"])
            #expect(found.last?["loc"] as? [AnyHashable] == ["body", "styles", 1])
            // Lax coercions: numeric strings, whole floats and booleans as 0/1.
            let lax = try await client.post(
                "/sdapi/v1/txt2img", #"{"prompt":"x","steps":"1","width":64.0,"height":64,"tiling":"yes","cfg_scale":"5"}"#)
            #expect(lax.status == 200, "\(lax.text)")
            let echo = try #require(try lax.object()["parameters"] as? [String: Any])
            #expect(echo["steps"] as? Int == 1 && echo["width"] as? Int == 64 && echo["tiling"] as? Bool == true)
            #expect(echo["cfg_scale"] as? Double == 5)
            // `clip_skip: int` in the processing signature, `float` in control_run.
            let clip = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"clip_skip\":1.5}")
            #expect(try issues(clip).first?["type"] as? String == "int_from_float")
            // `sampler_index: int | str`: a smart-mode union reports both members, tagged.
            let union = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"sampler_index\":1.5}")
            #expect(try issues(union).map { $0["loc"] as? [String] } == [
                ["body", "sampler_index", "int"], ["body", "sampler_index", "str"],
            ])
        }
    }

    /// The coercion is shared with Easel and works on numbers alone; on the wire the emulator still answers with
    /// pydantic's kinds: a coerced int field an int, a float field a float, a default as the signature writes it
    /// (`cfg_end: float = 1`), a refused value as it was sent.
    @Test func echoedNumbersKeepPydanticsKinds() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let lax = try await client.post(
                "/sdapi/v1/txt2img", #"{"prompt":"x","steps":"1","width":64.0,"height":true,"cfg_scale":"5"}"#)
            #expect(lax.text.contains(#""steps":1,"#) && lax.text.contains(#""width":64,"#), "\(lax.text)")
            #expect(lax.text.contains(#""height":1,"#) && lax.text.contains(#""cfg_scale":5.0,"#))
            #expect(lax.text.contains(#""cfg_end":1,"#) && lax.text.contains(#""guidance_scale":6.0,"#))
            let refused = try await client.post("/sdapi/v1/txt2img", "{\(Self.small),\"tiling\":2.0}")
            #expect(refused.status == 422 && refused.text.contains(#""input":2.0"#), "\(refused.text)")
        }
    }

    /// control looks its sampler up with `get_sampler_index(sampler_name)`: an exact name, else "Default"; no 404.
    @Test func controlRunsAnUnknownSamplerAsDefault() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let body = #"{"prompt":"x","steps":1,"width_before":64,"height_before":64,"sampler_name":"DPM++ 2M Karras"}"#
            let result = try await client.post("/sdapi/v1/control", body)
            #expect(result.status == 200, "\(result.text)")
            let params = try #require(try result.object()["params"] as? [String: Any])
            #expect(params["sampler_name"] as? String == "DPM++ 2M Karras")
            #expect(params["batch_count"] as? Int == 1 && params["width_before"] as? Int == 64)
            #expect(params["n_iter"] == nil && params["width"] == nil)
        }
    }
}
