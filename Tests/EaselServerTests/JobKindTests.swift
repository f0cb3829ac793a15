import DynamicJSON
import EaselTesting
import Foundation
@testable import SDNextEmulator
import Testing

/// img2img and control jobs end to end over real sockets: their images go in as base64 or data URLs, are kept as
/// files, reach SD.Next (the emulator) and come back at the size asked for; control maps come back marked.
@Suite(.timeLimit(.minutes(2))) struct JobKindTests {
    /// A PNG of `width`×`height`, as plain base64.
    private func png(_ width: Int, _ height: Int, shade: UInt8 = 200) -> String {
        let pixels = (0..<(width * height)).flatMap { index -> [UInt8] in
            index % width < width / 2 ? [shade, 40, 40] : [40, 40, shade]
        }
        return ImageCodec.base64(ImageCodec.encode(RGBImage(width: width, height: height, pixels: pixels), as: .png))
    }

    /// A PNG of noise that does not compress: `width`×`height`×3 bytes at least.
    private func noise(_ width: Int, _ height: Int) -> String {
        var state: UInt32 = 12_345
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12_345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        return ImageCodec.base64(ImageCodec.encode(RGBImage(width: width, height: height, pixels: pixels), as: .png))
    }

    /// Fetches an image URL Easel gave and returns its decoded size.
    private func size(of url: String?, from hub: TestHub) async throws -> (Int, Int)? {
        let url = try #require(url)
        let (status, data) = try await hub.raw(.GET, url)
        #expect(status == 200, "GET \(url)")
        return ImageCodec.decode([UInt8](data)).map { ($0.width, $0.height) }
    }

    @Test func img2imgJobsWithAndWithoutMaskReturnImagesOfTheAskedSize() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let initImage = png(96, 64)
                let plain = #"{"kind":"img2img","prompt":"a boat","steps":4,"width":128,"height":64,"denoising_strength":0.5,"#
                    + #""init_images":["\#(initImage)"]}"#
                let (status, result) = try await hub.request(.POST, "/api/v1/generation/generate", json: plain)
                #expect(status == 200 && result["status"]?.string == "completed", "\(result)")
                #expect(try await size(of: result["images"]?.array?.first?.string, from: hub) ?? (0, 0) == (128, 64))
                let job = try #require(result["job_id"]?.string)

                let delivery = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]
                #expect(delivery?["kind"]?.string == "img2img")
                let params = delivery?["params"]?["generation_params"]
                #expect(params?["kind"]?.string == "img2img" && params?["denoising_strength"]?.double == 0.5)
                let inputURL = try #require(params?["init_images"]?.array?.first?.string)
                #expect(inputURL == "/api/v1/generation/jobs/\(job)/inputs/init_images.0.png")
                let kept = try await hub.raw(.GET, inputURL)
                #expect(kept.status == 200 && kept.data.base64EncodedString() == initImage)
                let row = try await hub.request(.GET, "/api/v1/generation/jobs/active").body
                #expect(row.array?.isEmpty == true)

                let masked = #"{"kind":"img2img","prompt":"a boat","steps":4,"width":64,"height":96,"#
                    + #""init_images":["data:image/png;base64,\#(initImage)"],"mask":"\#(png(96, 64, shade: 255))","#
                    + #""mask_blur":2,"inpainting_fill":1,"inpaint_full_res":false,"resize_mode":1}"#
                let inpainted = try await hub.request(.POST, "/api/v1/generation/generate", json: masked).body
                #expect(inpainted["status"]?.string == "completed", "\(inpainted)")
                #expect(try await size(of: inpainted["images"]?.array?.first?.string, from: hub) ?? (0, 0) == (64, 96))
                let maskedJob = try #require(inpainted["job_id"]?.string)
                let maskedParams = try await hub.request(.GET, "/api/v1/generation/jobs/\(maskedJob)").body["delivery"]?["params"]
                #expect(maskedParams?["generation_params"]?["mask"]?.string?.hasSuffix("/inputs/mask.png") == true)

                // Deleting the result deletes its input images too.
                let inputs = hub.dataDirectory.appendingPathComponent("inputs/\(maskedJob)")
                #expect(FileManager.default.fileExists(atPath: inputs.appendingPathComponent("mask.png").path))
                #expect(try await hub.request(.DELETE, "/api/v1/generation/results/\(maskedJob)").status == 204)
                #expect(!FileManager.default.fileExists(atPath: inputs.path))
            }
        }
    }

    @Test func controlJobsReturnImagesAndMarkedProcessedMaps() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                try await withSocket(hub) { socket in
                    try await socket.subscribeToAll()
                    let unitImage = #"{"kind":"control","prompt":"a fox","steps":3,"width_before":96,"height_before":64,"#
                        + #""control":[{"process":"Canny","model":"","strength":0.9,"start":0,"end":1,"image":"\#(png(96, 64))"}]}"#
                    let withUnitImage = try await hub.queue(unitImage)
                    let started = try await socket.next("generation_started", job: withUnitImage)
                    #expect(started["data"]?["params"]?["kind"]?.string == "control")
                    #expect(started["data"]?["params"]?["control"]?.array?.first?["image"]?.string?.hasSuffix("/inputs/control.0.image.png") == true)
                    let complete = try await socket.next("generation_complete", job: withUnitImage)["data"]
                    #expect(complete?["status"]?.string == "completed", "\(String(describing: complete))")
                    let outputs = complete?["outputs"]?.array ?? []
                    #expect(outputs.map { $0["kind"]?.string } == ["image", "processed"])
                    #expect(complete?["images"]?.array?.map(\.string) == [outputs.first?["url"]?.string])
                    #expect(try await size(of: complete?["images"]?.array?.first?.string, from: hub) ?? (0, 0) == (96, 64))
                    let processedURL = outputs.last?["url"]?.string
                    #expect(processedURL == "/api/v1/generation/results/\(withUnitImage)/processed/0")
                    #expect(try await size(of: processedURL, from: hub) != nil)

                    // Request-level `inputs` and `inits` (refused as JSON by current SD.Next, and by the emulator) go
                    // into the units and `init_control` when sent.
                    let inputs = #"{"kind":"control","prompt":"a fox","steps":3,"width_before":64,"height_before":64,"#
                        + #""inputs":["\#(png(64, 64))","\#(png(64, 64, shade: 90))"],"inits":["\#(png(64, 64))"],"#
                        + #""control":[{"process":"Canny"},{"process":"Canny"}]}"#
                    let withInputs = try await hub.queue(inputs)
                    let done = try await socket.next("generation_complete", job: withInputs)["data"]
                    #expect(done?["status"]?.string == "completed", "\(String(describing: done))")
                    #expect(done?["outputs"]?.array?.map { $0["kind"]?.string } == ["image", "processed", "processed"])
                    #expect(try await size(of: done?["images"]?.array?.first?.string, from: hub) ?? (0, 0) == (64, 64))
                    let view = try await hub.request(.GET, "/api/v1/generation/jobs/\(withInputs)").body["delivery"]
                    #expect(view?["kind"]?.string == "control")
                    #expect(view?["result"]?["outputs"]?.array?.count == 3)
                    let results = try await hub.request(.GET, "/api/v1/generation/results").body.array ?? []
                    #expect(results.first { $0["id"]?.string == withInputs }?["processed_urls"]?.array?.count == 2)
                }
            }
        }
    }

    @Test func wrongTypesAndBadImagesAreRefusedNamingTheField() async throws {
        try await withHub(backends: [], configure: { $0.limits.maxImageBytes = 4_000 }) { hub in
            let cases: [(String, String)] = [
                (#"{"prompt":"x","hr_scale":"big"}"#, "hr_scale"),
                (#"{"prompt":"x","grading_hue":"warm"}"#, "grading_hue"),
                (#"{"prompt":"x","kind":"control","input_type":[1]}"#, "input_type"),
                (#"{"prompt":"x","kind":"img2img","init_images":["aGk="],"inpaint_full_res":"yes"}"#, "inpaint_full_res"),
                (#"{"prompt":"x","kind":"control","control":[{"strength":"strong"}]}"#, "control.0.strength"),
                (#"{"prompt":"x","kind":"video"}"#, "kind"),
                (#"{"prompt":"x","kind":"img2img"}"#, "init_images"),
                (#"{"prompt":"x","kind":"img2img","init_images":["not an image"]}"#, "init_images.0"),
                (#"{"prompt":"x","kind":"img2img","init_images":"\#(png(8, 8))"}"#, "init_images"),
            ]
            for (body, field) in cases {
                let (status, answer) = try await hub.request(.POST, "/api/v1/generation/queue-generation", json: body)
                #expect(status == 422 && answer["field"]?.string == field, "\(body): \(answer)")
                #expect(answer["detail"]?.array?.first?["loc"]?.array?.first?.string == "body")
            }
            let nested = try await hub.request(
                .POST, "/api/v1/generation/queue-generation", json: #"{"prompt":"x","kind":"control","control":[{"end":"late"}]}"#)
            #expect(nested.body["detail"]?.array?.first?["loc"] == .array([.string("body"), .string("control"), .number(0), .string("end")]))
            let big = #"{"prompt":"x","kind":"img2img","init_images":["\#(noise(64, 64))"]}"#
            let (status, answer) = try await hub.request(.POST, "/api/v1/generation/queue-generation", json: big)
            #expect(status == 413 && answer["field"]?.string == "init_images.0" && answer["limit"]?.int == 4_000, "\(answer)")
            #expect(answer["title"]?.string?.contains("larger than") == true)
            let inputs = hub.dataDirectory.appendingPathComponent("inputs")
            #expect(try FileManager.default.contentsOfDirectory(atPath: inputs.path).isEmpty)
        }
        try await withHub(backends: [], configure: { $0.limits.maxRequestBytes = 1_000 }) { hub in
            let body = #"{"prompt":"x","kind":"img2img","init_images":["\#(noise(64, 64))"]}"#
            let (status, answer) = try await hub.request(.POST, "/api/v1/generation/queue-generation", json: body)
            #expect(status == 413 && answer["status"]?.int == 413)
        }
    }

    @Test func originBodiesAreUnchanged() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let origin = #"{"prompt":"a lighthouse","negative_prompt":null,"steps":3,"sampler_name":"DPM++ 2M","#
                    + #""cfg_scale":7.0,"width":64,"height":96,"seed":-1,"batch_size":1,"n_iter":1,"denoising_strength":null}"#
                let result = try await hub.request(.POST, "/api/v1/generation/generate", json: origin).body
                #expect(result["status"]?.string == "completed")
                #expect(result["outputs"]?.array?.map { $0["kind"]?.string } == ["image"])
                let job = try #require(result["job_id"]?.string)
                let params = try await hub.request(.GET, "/api/v1/generation/jobs/\(job)").body["delivery"]?["params"]
                #expect(params?["generation_params"]?.objectValue.map { Set($0.keys) } == [
                    "kind", "prompt", "negative_prompt", "steps", "sampler_name", "cfg_scale", "width", "height", "seed",
                    "batch_size", "n_iter", "denoising_strength",
                ])
                #expect(try await size(of: result["images"]?.array?.first?.string, from: hub) ?? (0, 0) == (64, 96))
            }
        }
    }
}
