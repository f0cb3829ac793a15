import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// Generation over real sockets: images, stages, determinism, parameters and info.
@Suite(.timeLimit(.minutes(1))) struct GenerationTests {
    @Test func txt2imgReturnsJPEGAtRequestedSizeWithParametersAndInfo() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let result = try await client.post(
                "/sdapi/v1/txt2img", #"{"prompt":"a red fox","steps":4,"width":64,"height":48,"unknown_key":1}"#)
            #expect(result.status == 200)
            let body = try result.object()
            let images = try #require(body["images"] as? [String])
            #expect(images.count == 1)
            let decoded = try #require(decodedSize(ofBase64: images[0]))
            #expect(decoded.format == "jpeg" && decoded.width == 64 && decoded.height == 48)
            let parameters = try #require(body["parameters"] as? [String: Any])
            #expect(parameters["cfg_scale"] as? Double == 6 && parameters["sampler_name"] as? String == "Default")
            #expect(parameters["seed"] as? Int == -1 && parameters["unknown_key"] == nil)
            let infoText = try #require(body["info"] as? String)
            let info = try #require(try JSONSerialization.jsonObject(with: Data(infoText.utf8)) as? [String: Any])
            let seed = try #require(info["seed"] as? Int)
            #expect(seed >= 0 && info["all_seeds"] as? [Int] == [seed])
            let infotexts = try #require(info["infotexts"] as? [String])
            #expect(
                infotexts.first?.hasPrefix(
                    "a red fox\nNegative prompt: \nSteps: 4, Size: 64x48, Scheduler: EulerDiscreteScheduler, Seed: \(seed)") == true)
            #expect(infoText.contains(#""prompt": "a red fox""#), "info is json.dumps formatted")
        }
    }

    @Test func pngFormatAndDeterminism() async throws {
        try await withEmulator(EmulatorConfiguration.testing(samplesFormat: .png)) { emulator in
            let client = EmulatorClient(emulator)
            let request = #"{"prompt":"lighthouse","seed":1234,"steps":2,"width":64,"height":64}"#
            let first = try #require(try await client.post("/sdapi/v1/txt2img", request).object()["images"] as? [String])
            let second = try #require(try await client.post("/sdapi/v1/txt2img", request).object()["images"] as? [String])
            #expect(decodedSize(ofBase64: first[0])?.format == "png")
            #expect(first == second)
            let other = #"{"prompt":"lighthouse","seed":1235,"steps":2,"width":64,"height":64}"#
            let third = try #require(try await client.post("/sdapi/v1/txt2img", other).object()["images"] as? [String])
            #expect(third != first)
        }
    }

    @Test func progressWalksTheStagesInOrder() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(20))) { emulator in
            let client = EmulatorClient(emulator)
            async let generation = client.post("/sdapi/v1/txt2img", #"{"steps":10,"width":64,"height":64}"#)
            var jobs: [String] = []
            try await waitUntil("generation finished") {
                let progress = try await client.progress()
                let job = try #require((progress["state"] as? [String: Any])?["job"] as? String)
                if !job.isEmpty, jobs.last != job { jobs.append(job) }
                if let id = progress["id"] as? String, !id.isEmpty {
                    #expect(id.count == 15 && id.allSatisfy(\.isHexDigit))
                }
                let status = try await client.get("/sdapi/v1/status").object()
                return status["total"] as? Int == 7 && status["status"] as? String == "idle"
            }
            #expect(try await generation.status == 200)
            // Polls may miss a short stage on a loaded machine; the stage log below may not.
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let begins = history.filter { $0["op"] as? String == "begin" }
            let begun = begins.compactMap { $0["job"] as? String }
            #expect(begun == ["api-txt", "process", "base", "params", "te encode", "inference", "vae decode"])
            let stageIDs = begins.compactMap { $0["id"] as? String }
            #expect(Set(stageIDs).count == 7, "every stage gets a fresh id")
            let expected = ["API-TXT", "Process", "Base", "Params", "TE Encode", "Inference", "VAE Decode"]
            #expect(jobs.allSatisfy(expected.contains))
            #expect(jobs == expected.filter(jobs.contains), "observed stages keep SD.Next's order")
        }
    }

    @Test func img2imgAndHiresAddTheirStages() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let img2img = try await client.post(
                "/sdapi/v1/img2img", #"{"init_images":["\#(samplePNGBase64())"],"steps":10,"width":48,"height":32}"#)
            #expect(img2img.status == 200)
            let images = try #require(try img2img.object()["images"] as? [String])
            #expect(decodedSize(ofBase64: images[0])?.width == 48)
            let parameters = try #require(try img2img.object()["parameters"] as? [String: Any])
            #expect(parameters["init_images"] is NSNull && parameters["denoising_strength"] as? Double == 0.5)
            // `set_diffuser_pipe` switches the pipeline: image-to-image, or inpainting when a mask is given.
            func infotext(_ result: HTTPResult) throws -> String {
                let info = try #require(try result.object()["info"] as? String)
                let parsed = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
                return try #require((parsed["infotexts"] as? [String])?.first)
            }
            #expect(try infotext(img2img).contains("Pipeline: StableDiffusionXLImg2ImgPipeline, Operations: img2img,"))
            let masked = try await client.post(
                "/sdapi/v1/img2img",
                #"{"init_images":["\#(samplePNGBase64())"],"mask":"\#(samplePNGBase64())","steps":2,"width":32,"height":32}"#)
            #expect(try infotext(masked).contains("Pipeline: StableDiffusionXLInpaintPipeline, Operations: inpaint,"))
            let hires = try await client.post(
                "/sdapi/v1/txt2img", #"{"enable_hr":true,"hr_scale":2,"steps":3,"width":32,"height":32}"#)
            let hiresImages = try #require(try hires.object()["images"] as? [String])
            #expect(decodedSize(ofBase64: hiresImages[0])?.width == 64)
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let begun = history.filter { $0["op"] as? String == "begin" }.compactMap { $0["job"] as? String }
            #expect(begun.starts(with: ["api-img", "process", "vae encode", "base"]))
            let hiresStages = begun.drop { $0 != "api-txt" }.filter { ["hires", "inference"].contains($0) }
            #expect(hiresStages == ["inference", "hires", "inference"])
            // Each end record names its own stage (`State.end(jobid)` restores id and job) and how long it took.
            let begins = Dictionary(
                history.filter { $0["op"] as? String == "begin" }.map { ($0["id"] as? String ?? "", $0) },
                uniquingKeysWith: { first, _ in first })
            let ends = history.filter { $0["op"] as? String == "end" }
            #expect(ends.count == begins.count)
            for end in ends {
                let begin = try #require(begins[end["id"] as? String ?? ""], "an end record with no begin: \(end)")
                #expect(end["job"] as? String == begin["job"] as? String)
                let duration = try #require(end["duration"] as? Double)
                let elapsed = (end["timestamp"] as? Double ?? 0) - (begin["timestamp"] as? Double ?? 0)
                #expect(abs(duration - elapsed) < 0.002)
            }
            #expect(history.filter { $0["op"] as? String == "begin" }.allSatisfy { $0["duration"] is NSNull })
        }
    }

    @Test func img2imgSamplesFloorOfStepsTimesDenoise() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let generation = client.post(
                "/sdapi/v1/img2img",
                #"{"init_images":["\#(samplePNGBase64())"],"steps":15,"denoising_strength":0.5,"width":32,"height":32}"#)
            try await client.waitForInference()
            #expect(try await client.state()["sampling_steps"] as? Int == 7)
            try await client.setFaults(#"{"hang":false}"#)
            #expect(try await generation.status == 200)
        }
    }

    @Test func batchGridAndSendImages() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let batch = #""batch_size":2,"n_iter":2,"steps":2,"width":32,"height":32,"seed":10"#
            let plain = try await client.post("/sdapi/v1/txt2img", "{\(batch)}").object()
            #expect((plain["images"] as? [String])?.count == 4)
            let infoText = try #require(plain["info"] as? String)
            let info = try #require(try JSONSerialization.jsonObject(with: Data(infoText.utf8)) as? [String: Any])
            #expect(info["all_seeds"] as? [Int] == [10, 11, 12, 13])
            let saved = try await client.post("/sdapi/v1/txt2img", "{\(batch),\"save_images\":true}").object()
            let images = try #require(saved["images"] as? [String])
            #expect(images.count == 5)
            #expect(decodedSize(ofBase64: images[0])?.width == 64, "leading 2x2 grid")
            let hidden = try await client.post("/sdapi/v1/txt2img", "{\(batch),\"send_images\":false}").object()
            #expect((hidden["images"] as? [String])?.isEmpty == true)
        }
    }

    @Test func checkpointSwitchingLoadsUnderTheLockAndUnknownModelAborts() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let unknown = try await client.post("/sdapi/v1/txt2img", #"{"sd_model_checkpoint":"missing","steps":2}"#).object()
            #expect((unknown["images"] as? [String])?.isEmpty == true && unknown["info"] as? String == "")
            let update = try await client.post("/sdapi/v1/options", #"{"sd_model_checkpoint":"dreamshaper_8"}"#).object()
            #expect(update["updated"] as? [[String: Bool]] == [["sd_model_checkpoint": true]])
            #expect(try await client.get("/sdapi/v1/options").object()["sd_model_checkpoint"] as? String
                == "dreamshaper_8 [879db523c3]")
            let switched = try await client.post(
                "/sdapi/v1/txt2img", #"{"sd_model_checkpoint":"juggernautXL_v9","steps":2,"width":32,"height":32}"#)
            #expect(switched.status == 200)
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let loads = history.filter { $0["op"] as? String == "begin" && $0["job"] as? String == "load model" }
            #expect(loads.count == 2)
            #expect(try await client.get("/sdapi/v1/checkpoint").object()["name"] as? String == "juggernautXL_v9")
        }
    }

    @Test func unknownAlwaysOnScriptIsRejectedUnderTheLockLeavingAStaleJob() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let holder = client.post("/sdapi/v1/txt2img", #"{"steps":3,"width":32,"height":32}"#)
            try await client.waitForInference()
            let scripts = #""alwayson_scripts":{"controlnet":{"args":[{"enabled":true}]},"NudeNet":{"args":[]}}"#
            async let rejected = client.post("/sdapi/v1/txt2img", #"{"steps":3,"width":32,"height":32,\#(scripts)}"#)
            try await client.setFaults(#"{"hang":false}"#)
            #expect(try await holder.status == 200)
            let result = try await rejected
            #expect(result.status == 422)
            let body = try result.object()
            #expect(body["error"] as? String == "HTTPException" && body["code"] as? Int == 422)
            #expect(body["detail"] as? String == "Always on script not found: controlnet")
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let begun = history.filter { $0["op"] as? String == "begin" }.compactMap { $0["job"] as? String }
            let oneRun = ["api-txt", "process", "base", "params", "te encode", "inference", "vae decode"]
            #expect(begun == oneRun + ["api-txt"], "rejected only after the running job released the lock")
            #expect(try await client.state()["job"] as? String == "API-TXT", "the failed request's stage stays open")
            let known = #"{"steps":2,"width":32,"height":32,"alwayson_scripts":{"nudenet":{"args":[]}}}"#
            #expect(try await client.post("/sdapi/v1/txt2img", known).status == 200)
        }
    }

    @Test func controlReturnsImagesAndOneProcessedMapPerUnit() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let input = samplePNGBase64()
            let body = #"{"prompt":"edges","steps":2,"width_before":48,"height_before":40,"width":512,"#
                + #""control":[{"process":"Canny","model":"x","override":"\#(input)"},{"process":"Depth","image":"\#(input)"}]}"#
            let result = try await client.post("/sdapi/v1/control", body)
            #expect(result.status == 200)
            let object = try result.object()
            let images = try #require(object["images"] as? [String])
            #expect(decodedSize(ofBase64: images[0])?.width == 48 && decodedSize(ofBase64: images[0])?.height == 40)
            let processed = try #require(object["processed"] as? [String])
            #expect(processed.count == 2 && decodedSize(ofBase64: processed[0])?.width == 32)
            #expect(object["params"] is [String: Any])
            #expect((object["info"] as? String)?.hasPrefix("edges\n") == true)
        }
    }

    /// `control_run` declares `inputs: list[Image.Image] | None`, which SD.Next's model builder leaves as a PIL type:
    /// pydantic refuses every base64 string in it (checked with pydantic 2.13), so images go in the units.
    @Test func controlRefusesImagesInInputs() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let result = try await client.post("/sdapi/v1/control", #"{"inputs":["abc","def"],"inits":[]}"#)
            #expect(result.status == 422)
            let issues = try #require(try result.object()["detail"] as? [[String: Any]])
            #expect(issues.map { $0["type"] as? String } == ["is_instance_of", "is_instance_of"])
            #expect(issues.last?["loc"] as? [AnyHashable] == ["body", "inputs", 1])
            #expect(issues.first?["msg"] as? String == "Input should be an instance of Image")
        }
    }
}
