import EaselTesting
import Foundation
import Testing

@testable import SDNextEmulator

/// Status codes and body shapes of every route, against reference §6 (no generation involved).
@Suite(.timeLimit(.minutes(1))) struct RouteShapeTests {
    @Test func versionIdentifiesSDNextAndEveryResponseHasProcessTime() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let result = try await client.get("/sdapi/v1/version")
            #expect(result.status == 200)
            #expect(try result.object()["app"] as? String == "sd.next")
            #expect(Double(result.headers.first(name: "X-Process-Time") ?? "") != nil)
            let missing = try await client.get("/nope")
            #expect(missing.headers.first(name: "X-Process-Time") != nil)
        }
    }

    @Test func unknownRouteWrongMethodAndBadBodies() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let missing = try await client.get("/sdapi/v1/nothing")
            #expect(missing.status == 404)
            #expect(missing.text == #"{"detail":"Not Found"}"#)
            let wrongMethod = try await client.get("/sdapi/v1/txt2img")
            #expect(wrongMethod.status == 405)
            let badJSON = try await client.post("/sdapi/v1/txt2img", "{not json")
            #expect(badJSON.status == 422)
            let badDetail = try #require(try badJSON.object()["detail"] as? [[String: Any]])
            #expect(badDetail.first?["type"] as? String == "json_invalid")
            let badType = try await client.post("/sdapi/v1/txt2img", #"{"steps": 20.5, "width": "wide"}"#)
            #expect(badType.status == 422)
            let issues = try #require(try badType.object()["detail"] as? [[String: Any]])
            #expect(issues.map { $0["type"] as? String } == ["int_from_float", "int_parsing"])
            #expect(issues.first?["loc"] as? [String] == ["body", "steps"])
            #expect(issues.first?["msg"] as? String != nil && issues.first?["input"] as? Double == 20.5)
        }
    }

    @Test func samplerValidation() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            for body in [#"{"sampler_name":"DPM++ 2M Karras"}"#, #"{"sampler_name":""}"#] {
                let result = try await client.post("/sdapi/v1/txt2img", body)
                #expect(result.status == 404)
                let object = try result.object()
                #expect(object["error"] as? String == "HTTPException")
                #expect(object["code"] as? Int == 404)
                #expect(object["detail"] as? String == "Sampler not found")
                #expect(object["body"] as? String == "")
                #expect(object["errors"] as? String == "404: Sampler not found")
            }
            // `sampler_name` is declared `str`, not Optional: pydantic refuses null before the handler runs.
            let null = try await client.post("/sdapi/v1/txt2img", #"{"sampler_name":null}"#)
            #expect(null.status == 422)
            let issue = try #require(try null.object()["detail"] as? [[String: Any]]).first
            #expect(issue?["type"] as? String == "string_type" && issue?["loc"] as? [String] == ["body", "sampler_name"])
        }
    }

    /// `sampler_index` is `int | str` in SD.Next; it names the sampler only when `sampler_name` is empty,
    /// and only as a string (A1111 clients send `"sampler_index":"Euler a"` with every request).
    @Test func samplerIndexIsANameOrANumber() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let small = #""prompt":"a fox","steps":1,"width":64,"height":64"#
            func sampler(of body: String) async throws -> String? {
                let result = try await client.post("/sdapi/v1/txt2img", "{\(small),\(body)}")
                #expect(result.status == 200, "\(body): \(result.text)")
                let info = try #require(try result.object()["info"] as? String)
                let parsed = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
                return parsed["sampler_name"] as? String
            }
            #expect(try await sampler(of: #""sampler_index":"Euler a""#) == "Default")
            #expect(try await sampler(of: #""sampler_name":"","sampler_index":"euler a""#) == "Euler a")
            #expect(try await sampler(of: #""sampler_name":"Euler","sampler_index":7"#) == "Euler")
            let echoed = try await client.post("/sdapi/v1/txt2img", #"{\#(small),"sampler_name":"","sampler_index":"UniPC"}"#)
            let echo = try echoed.object()["parameters"] as? [String: Any]
            #expect(echo?["sampler_name"] as? String == "")

            let number = try await client.post("/sdapi/v1/txt2img", "{\(small),\"sampler_name\":\"\",\"sampler_index\":3}")
            let numberDetail = try number.object()["detail"] as? String
            #expect(number.status == 404 && numberDetail == "Sampler not found")
            let fraction = try await client.post("/sdapi/v1/txt2img", "{\(small),\"sampler_index\":1.5}")
            #expect(fraction.status == 422)
        }
    }

    @Test func img2imgRequiresDecodableInitImages() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let missing = try await client.post("/sdapi/v1/img2img", #"{"prompt":"x"}"#)
            #expect(missing.status == 400)
            #expect(missing.text == #"{"error":"Init image is none"}"#)
            let broken = try await client.post("/sdapi/v1/img2img", #"{"init_images":["not an image"]}"#)
            #expect(broken.status == 500)
            #expect(try broken.object()["detail"] as? String == "Invalid encoded image")
        }
    }

    @Test func interruptAndSkipAnswer204WithEmptyBody() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            for path in ["/sdapi/v1/interrupt", "/sdapi/v1/skip"] {
                let result = try await client.post(path)
                #expect(result.status == 204)
                #expect(result.body.isEmpty)
            }
        }
    }

    @Test func idleProgressStatusAndInternalProgress() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let progress = try await client.progress(skipImage: false)
            #expect(progress["id"] as? Int == 0)
            #expect(progress["progress"] as? Double == 0)
            #expect(progress["current_image"] is NSNull)
            let state = try #require(progress["state"] as? [String: Any])
            #expect(state["job"] as? String == "" && state["job_timestamp"] as? String == "0")
            let status = try await client.get("/sdapi/v1/status").object()
            #expect(status["status"] as? String == "idle")
            #expect(status["total"] as? Int == 0 && status["queued"] as? Int == 0)
            #expect(status["timestamp"] is NSNull && status["elapsed"] is NSNull)
            let internalProgress = try await client.post("/internal/progress", #"{"id_task":null,"id_live_preview":-1}"#)
            #expect(internalProgress.status == 200)
            let internalObject = try internalProgress.object()
            #expect(internalObject["active"] as? Bool == true && internalObject["live_preview"] is NSNull)
            #expect(try await client.post("/internal/progress").status == 422)
            #expect(try await client.get("/sdapi/v1/progress?skip_current_image=maybe").status == 422)
        }
    }

    @Test func modelSamplerMemoryCheckpointAndOptionsFixtures() async throws {
        try await withEmulator(EmulatorConfiguration.testing(stepDuration: .milliseconds(5))) { emulator in
            let client = EmulatorClient(emulator)
            let models = try await client.get("/sdapi/v1/sd-models").array()
            let first = try #require(models.first as? [String: Any])
            #expect(Set(first.keys) == ["title", "model_name", "filename", "type", "sha256", "hash", "config"])
            let samplers = try await client.get("/sdapi/v1/samplers").array().compactMap { ($0 as? [String: Any])?["name"] as? String }
            #expect(samplers.contains("Euler a") && !samplers.contains("Default"))
            let memory = try await client.get("/sdapi/v1/memory").object()
            #expect(memory["ram"] is [String: Any] && memory["cuda"] is [String: Any])
            let checkpoint = try await client.get("/sdapi/v1/checkpoint").object()
            #expect(checkpoint["title"] as? String == first["title"] as? String)
            let options = try await client.get("/sdapi/v1/options").object()
            for key in ["sd_model_checkpoint", "samples_format", "show_progress_type", "sd_vae"] {
                #expect(options[key] != nil, "missing option \(key)")
            }
            let update = try await client.post("/sdapi/v1/options", #"{"jpeg_quality":80,"no_such_option":1}"#).object()
            let updated = try #require(update["updated"] as? [[String: Bool]])
            #expect(updated == [["jpeg_quality": true], ["no_such_option": false]])
            let history = try await client.get("/sdapi/v1/history").array()
            #expect(history.isEmpty)
        }
    }

    @Test func basicAuthBodiesAndHeader() async throws {
        let credentials = EmulatorCredentials(username: "user", password: "secret")
        try await withEmulator(EmulatorConfiguration.testing(credentials: credentials)) { emulator in
            let anonymous = EmulatorClient(emulator)
            let missing = try await anonymous.get("/sdapi/v1/status")
            #expect(missing.status == 401)
            #expect(missing.headers.first(name: "WWW-Authenticate") == "Basic")
            let missingBody = try missing.object()
            #expect(missingBody["detail"] as? String == "Not authenticated")
            #expect(missingBody["code"] as? Int == 401 && missingBody["errors"] as? String == "401: Not authenticated")
            let wrong = EmulatorClient(emulator, authorization: "Basic " + Data("user:wrong".utf8).base64EncodedString())
            let denied = try await wrong.get("/sdapi/v1/status")
            #expect(denied.status == 401)
            #expect(try denied.object()["detail"] as? String == "Unauthorized")
            #expect(try await wrong.post("/internal/progress", "{}").status == 401)
            let right = EmulatorClient(emulator, authorization: "Basic " + Data("user:secret".utf8).base64EncodedString())
            #expect(try await right.get("/sdapi/v1/status").status == 200)
            #expect(try await anonymous.get("/unknown").status == 404)
        }
    }

    @Test func rateLimitAnswers429AfterTheBudget() async throws {
        try await withEmulator(EmulatorConfiguration.testing(rateLimitPerMinute: 5)) { emulator in
            let client = EmulatorClient(emulator)
            for _ in 0..<5 { #expect(try await client.get("/sdapi/v1/version").status == 200) }
            let limited = try await client.get("/sdapi/v1/version")
            #expect(limited.status == 429)
            let body = try limited.object()
            #expect(body["detail"] as? String == "127.0.0.1:/sdapi/v1/version: rate limit exceeded")
            #expect(body["code"] as? Int == 429)
            #expect(try await client.get("/sdapi/v1/status").status == 200, "limit is per path")
            for _ in 0..<10 { #expect(try await client.post("/internal/progress", "{}").status == 200) }
        }
    }

    @Test func rateLimiterWindowSlides() {
        var limiter = RateLimiter(limit: 10)
        let path = "/sdapi/v1/txt2img"
        let hits = [("a", 0.0), ("a", 1), ("a", 2), ("b", 2), ("a", 61), ("a", 115)].map { client, now in
            limiter.hit(client: client, path: path, now: now)
        }
        // Cost 5 each: two fit, the third does not; other clients have their own budget; the full
        // previous window still weighs at 61 s, mostly gone by 115 s.
        #expect(hits == [true, true, false, true, false, true])
    }
}
