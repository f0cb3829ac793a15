import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// Interrupt, skip, live previews and the global generation lock.
@Suite(.timeLimit(.minutes(1))) struct ControlFlowTests {
    @Test func previewEvolvesDuringInferenceAndHonoursSkipCurrentImage() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let generation = client.post("/sdapi/v1/txt2img", #"{"steps":4,"width":640,"height":320}"#)
            try await client.waitForInference()
            let withImage = try await client.progress(skipImage: false)
            let preview = try #require(withImage["current_image"] as? String)
            let size = try #require(decodedSize(ofBase64: preview))
            #expect(size.format == "jpeg" && size.width == 256 && size.height == 128)
            #expect(try await client.progress(skipImage: true)["current_image"] is NSNull)
            try await client.setFaults(#"{"hang":false}"#)
            #expect(try await generation.status == 200)
        }
    }

    @Test func interruptMidRunReturnsAPartialImageAndStaysInterrupted() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let generation = client.post("/sdapi/v1/txt2img", #"{"steps":8,"n_iter":2,"width":64,"height":64}"#)
            try await client.waitForInference()
            #expect(try await client.post("/sdapi/v1/interrupt").status == 204)
            let result = try await generation
            #expect(result.status == 200)
            let images = try #require(try result.object()["images"] as? [String])
            #expect(images.count == 1, "no finished images yet, plus one partial")
            #expect(decodedSize(ofBase64: images[0])?.width == 64)
            let status = try await client.get("/sdapi/v1/status").object()
            #expect(status["status"] as? String == "interrupted" && status["task"] as? String == "")
            #expect(try await client.state()["interrupted"] as? Bool == true)
        }
    }

    @Test func skipDropsTheCurrentAndNextIteration() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let single = client.post("/sdapi/v1/txt2img", #"{"steps":4,"width":32,"height":32}"#)
            try await client.waitForInference()
            #expect(try await client.post("/sdapi/v1/skip").status == 204)
            let singleResult = try await single
            #expect(singleResult.status == 200)
            #expect((try singleResult.object()["images"] as? [String])?.isEmpty == true)
            #expect(try await client.get("/sdapi/v1/status").object()["status"] as? String == "skipped")

            async let triple = client.post("/sdapi/v1/txt2img", #"{"steps":4,"n_iter":3,"width":32,"height":32}"#)
            try await client.waitForInference()
            #expect(try await client.post("/sdapi/v1/skip").status == 204)
            try await client.setFaults(#"{"hang":false}"#)
            let images = try #require(try await triple.object()["images"] as? [String])
            #expect(images.count == 1)
        }
    }

    @Test func interruptOutsideInferenceIsDropped() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            #expect(try await client.post("/sdapi/v1/interrupt").status == 204)
            let result = try await client.post("/sdapi/v1/txt2img", #"{"steps":2,"width":32,"height":32}"#)
            #expect((try result.object()["images"] as? [String])?.count == 1)
            #expect(try await client.get("/sdapi/v1/status").object()["status"] as? String == "idle")
        }
    }

    @Test func concurrentGenerationsSerializeInArrivalOrder() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let first = client.post("/sdapi/v1/txt2img", #"{"prompt":"first","steps":3,"width":32,"height":32}"#)
            try await client.waitForInference()
            async let second = client.post("/sdapi/v1/txt2img", #"{"prompt":"second","steps":3,"width":32,"height":32}"#)
            try await waitUntil("second request queued") {
                try await client.get("/sdapi/v1/status").object()["total"] as? Int == 6
            }
            let status = try await client.get("/sdapi/v1/status").object()
            #expect(status["queued"] as? Int == 0 && status["task"] as? String == "Inference")
            try await client.setFaults(#"{"hang":false}"#)
            let (firstResult, secondResult) = try await (first, second)
            #expect(firstResult.status == 200 && secondResult.status == 200)
            let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
            let begun = history.filter { $0["op"] as? String == "begin" }.compactMap { $0["job"] as? String }
            let oneRun = ["api-txt", "process", "base", "params", "te encode", "inference", "vae decode"]
            #expect(begun == oneRun + oneRun, "runs do not interleave")
            let firstInfo = try #require(try firstResult.object()["info"] as? String)
            let secondInfo = try #require(try secondResult.object()["info"] as? String)
            #expect(firstInfo.contains(#""prompt": "first""#) && secondInfo.contains(#""prompt": "second""#))
        }
    }

    @Test func closingTheConnectionDoesNotCancelTheJob() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            await #expect(throws: (any Error).self) {
                _ = try await client.post("/sdapi/v1/txt2img", #"{"steps":3,"width":32,"height":32}"#, timeout: .milliseconds(300))
            }
            // The abandoned job goes on to sampling (where the hang holds it) instead of being cancelled.
            try await waitUntil("abandoned job sampling") { try await client.state()["job"] as? String == "Inference" }
            try await client.setFaults(#"{"hang":false}"#)
            try await waitUntil("abandoned job finished") {
                let history = try await client.get("/sdapi/v1/history").array().compactMap { $0 as? [String: Any] }
                let status = try await client.get("/sdapi/v1/status").object()["status"] as? String
                return history.contains { $0["job"] as? String == "vae decode" } && status == "idle"
            }
        }
    }
}
