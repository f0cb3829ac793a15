import EaselTesting
import Foundation
import Logging
import SDNextEmulator
import Testing

/// Each injected fault's observable effect, toggled at run time through `/emulator/faults`.
@Suite(.timeLimit(.minutes(1))) struct FaultTests {
    private let generate = #"{"steps":2,"width":32,"height":32}"#

    @Test func faultRouteReadsMergesAndClears() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            let merged = try await client.post("/emulator/faults", #"{"hang":true,"responseDelayMs":5}"#).object()
            #expect(merged["hang"] as? Bool == true && merged["responseDelayMs"] as? Int == 5)
            #expect(await emulator.controls.faults.hang)
            let again = try await client.post("/emulator/faults", #"{"serverError":true}"#).object()
            #expect(again["hang"] as? Bool == true && again["serverError"] as? Bool == true)
            #expect(try await client.post("/emulator/faults", #"{"bogus":true}"#).status == 422)
            let cleared = try await client.request(.DELETE, "/emulator/faults").object()
            #expect(cleared["hang"] as? Bool == false && cleared["errorMessage"] as? String == "CUDA out of memory")
            #expect(await emulator.controls.faults == FaultSettings())
        }
    }

    @Test func serverErrorAnswers500AndLeavesAStaleJob() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"serverError":true,"errorMessage":"boom"}"#)
            let result = try await client.post("/sdapi/v1/txt2img", generate)
            #expect(result.status == 500)
            let body = try result.object()
            #expect(body["error"] as? String == "RuntimeError" && body["code"] as? Int == 500)
            #expect(body["errors"] as? String == "boom" && body["body"] as? String == "")
            #expect(try await client.state()["job"] as? String == "Process")
            _ = try await client.request(.DELETE, "/emulator/faults")
            #expect(try await client.post("/sdapi/v1/txt2img", generate).status == 200)
        }
    }

    @Test func emptyImagesAnswers200WithNothing() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"emptyImages":true}"#)
            let body = try await client.post("/sdapi/v1/txt2img", generate).object()
            #expect((body["images"] as? [String])?.isEmpty == true && body["info"] as? String == "")
        }
    }

    @Test func hangHoldsTheLockUntilCleared() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"hang":true}"#)
            async let generation = client.post("/sdapi/v1/txt2img", #"{"steps":5,"width":32,"height":32}"#)
            try await client.waitForInference()
            let before = try await client.state()
            #expect(before["sampling_step"] as? Int == 1)
            #expect(try await client.state()["sampling_step"] as? Int == 1, "no progress while hung")
            try await client.setFaults(#"{"hang":false}"#)
            #expect((try await generation.object()["images"] as? [String])?.count == 1)
        }
    }

    @Test func responseDelayHoldsEveryResponse() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"responseDelayMs":300}"#)
            let start = ContinuousClock.now
            #expect(try await client.get("/sdapi/v1/version").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    @Test func dropConnectionClosesMidResponse() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"dropConnection":true}"#)
            await #expect(throws: (any Error).self) { _ = try await client.post("/sdapi/v1/txt2img", generate) }
            try await client.setFaults(#"{"dropConnection":false}"#)
            #expect(try await client.post("/sdapi/v1/txt2img", generate).status == 200)
        }
    }

    @Test func progressFailureAndForcedRateLimit() async throws {
        try await withEmulator { emulator in
            let client = EmulatorClient(emulator)
            try await client.setFaults(#"{"progressFailure":true}"#)
            let failed = try await client.get("/sdapi/v1/progress")
            #expect(failed.status == 500)
            #expect(try failed.object()["error"] as? String == "RuntimeError")
            #expect(try await client.get("/sdapi/v1/status").status == 200)
            try await client.setFaults(#"{"progressFailure":false,"rateLimited":true}"#)
            let limited = try await client.get("/sdapi/v1/status")
            #expect(limited.status == 429)
            #expect(try limited.object()["detail"] as? String == "127.0.0.1:/sdapi/v1/status: rate limit exceeded")
            _ = try await client.request(.DELETE, "/emulator/faults")
            #expect(try await client.get("/sdapi/v1/progress").status == 200)
        }
    }

    @Test func exitFaultStopsTheServer() async throws {
        var logger = Logger(label: "sdnext-emulator-test")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let emulator = EmulatorServer(configuration: EmulatorConfiguration.testing(stepDuration: .milliseconds(5)), logger: logger) { portContinuation.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emulator.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let client = EmulatorClient(baseURL: "http://127.0.0.1:\(port)")
            try await client.setFaults(#"{"exitProcess":true}"#)
            await #expect(throws: (any Error).self) { _ = try await client.get("/sdapi/v1/status") }
            await #expect(throws: EmulatorExitError.self) { try await group.next() }
            await #expect(throws: (any Error).self, "no longer listening") {
                _ = try await client.request(.GET, "/sdapi/v1/status", timeout: .seconds(2))
            }
        }
    }
}
