import EaselTesting
import SDNextEmulator
import Testing

@testable import SDNext

/// Flavor detection and `ProgressTracker` against a running emulator of each flavor.
@Suite struct FlavorTrackerTests {
    private static let flavors: [(Flavor, BackendFlavor)] = [(.sdnext, .sdnext), (.sdnextLegacy, .sdnextLegacy), (.a1111, .a1111)]

    /// With 50 ms steps and polls every 5 ms the tracker must reach the second iteration's steps (9 to 15 of 16)
    /// while it runs, and never count more than the server's own numbers show at that snapshot.
    @Test(arguments: [0, 1, 2])
    func theTrackerFollowsTheSecondIterationOnEveryFlavor(_ index: Int) async throws {
        let (emulatorFlavor, expected) = Self.flavors[index]
        var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(50))
        configuration.flavor = emulatorFlavor
        try await withEmulatorClient(configuration) { client, _ in
            #expect(try await client.detectFlavor() == expected)
            let request = smallTxt2Img(steps: 8, nIter: 2)
            var tracker = ProgressTracker(plan: GenerationPlan(request), flavor: expected)
            async let generation = client.txt2img(request)
            try await waitUntil("the tracker counts steps of the second iteration") {
                let snapshot = try await client.progress()
                let step = tracker.observe(snapshot).currentStep
                if let raw = Self.rawSteps(snapshot, flavor: expected, stepsPerPass: 8) {
                    #expect(step <= raw, "tracker at \(step), server at \(raw): \(snapshot.state)")
                }
                return step > 8 && step < 16
            }
            _ = try await generation
            #expect(tracker.finish().fraction == 1)
        }
    }

    /// The steps done as the server itself counts them: legacy SD.Next's cumulative `sampling_step`; A1111's
    /// finished jobs' steps plus its 0-based step (+1); nil on SD.Next, whose per-stage numbers say no total.
    private static func rawSteps(_ snapshot: ProgressSnapshot, flavor: BackendFlavor, stepsPerPass: Int) -> Int? {
        let state = snapshot.state
        switch flavor {
        case .sdnext: return nil
        case .sdnextLegacy: return state.samplingStep
        case .a1111: return state.jobNo * stepsPerPass + state.samplingStep + 1
        }
    }
}
