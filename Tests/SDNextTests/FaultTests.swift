import SDNext
import SDNextEmulator
import Testing

/// Each emulator fault surfaces as a typed `SDNextError`, within the configured timeout.
@Suite(.timeLimit(.minutes(1))) struct FaultTests {
    private func faults(_ change: (inout FaultSettings) -> Void) -> FaultSettings {
        var faults = FaultSettings()
        change(&faults)
        return faults
    }

    @Test func serverErrorIsAnHTTPStatusWithSDNextsMessage() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.serverError = true })) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
            #expect(error.code == .httpStatus)
            #expect(error.status == 500)
            #expect(error.message.contains("CUDA out of memory"))
        }
    }

    @Test func emptyImagesIsItsOwnError() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.emptyImages = true })) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
            #expect(error.code == .emptyImages)
            #expect(error.status == 200)
        }
    }

    @Test func aHangingGenerationTimesOut() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.hang = true })) { client, emulator in
            let hasty = SDNextClient(configuration: {
                var configuration = client.configuration
                configuration.generationTimeout = .milliseconds(500)
                return configuration
            }())
            let error = try await #require(throws: SDNextError.self) { try await hasty.txt2img(smallTxt2Img(steps: 2)) }
            #expect(error.code == .timeout)
            #expect(error.status == nil)
            // Release the emulator's lock so it can stop cleanly.
            await emulator.controls.setFaults(FaultSettings())
            try await client.interrupt()
        }
    }

    @Test func aSlowAnswerTimesOutOrdinaryCalls() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.responseDelayMs = 3000 })) { client, _ in
            let hasty = SDNextClient(configuration: {
                var configuration = client.configuration
                configuration.requestTimeout = .milliseconds(300)
                return configuration
            }())
            let error = try await #require(throws: SDNextError.self) { try await hasty.status() }
            #expect(error.code == .timeout)
        }
    }

    @Test func aDroppedConnectionIsAConnectionError() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.dropConnection = true })) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
            #expect(error.code == .connection)
        }
    }

    @Test func progressFailureSurfacesFromProgress() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.progressFailure = true })) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.progress() }
            #expect(error.code == .httpStatus)
            #expect(error.status == 500)
            _ = try await client.status()
        }
    }

    @Test func rateLimitingIsA429() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.rateLimited = true })) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.progress() }
            #expect(error.code == .rateLimited)
            #expect(error.status == 429)
            #expect(error.message.contains("rate limit exceeded"))
        }
    }

    @Test func theRealRateLimiterAlsoGives429() async throws {
        try await withEmulatorClient(.testing(rateLimitPerMinute: 5), configure: { $0.pacing = .disabled }) { client, _ in
            var statuses: [Int?] = []
            for _ in 0..<8 {
                do {
                    _ = try await client.progress()
                    statuses.append(200)
                } catch let error as SDNextError {
                    statuses.append(error.status)
                }
            }
            #expect(statuses.contains(429), "statuses: \(statuses)")
        }
    }

    @Test func anExitedServerIsAConnectionError() async throws {
        try await withEmulatorClient(.testing(faults: faults { $0.exitProcess = true })) { client, _ in
            try await SDNextClient.withClient(configuration: client.configuration) { client in
                let first = try await #require(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
                #expect(first.code == .connection)
                // Nothing listens any more: refused at once rather than retried until the deadline.
                let later = try await #require(throws: SDNextError.self) { try await client.version() }
                #expect(later.code == .connection)
            }
        }
    }
}
