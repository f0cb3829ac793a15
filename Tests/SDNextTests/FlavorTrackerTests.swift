import EaselTesting
import SDNextEmulator
import Testing

@testable import SDNext

/// Flavor detection and `ProgressTracker` against a running emulator of each flavor.
@Suite struct FlavorTrackerTests {
    private static let flavors: [(Flavor, BackendFlavor)] = [(.sdnext, .sdnext), (.sdnextLegacy, .sdnextLegacy), (.a1111, .a1111)]

    @Test(arguments: [0, 1, 2])
    func theTrackerIsMonotonicOnEveryFlavor(_ index: Int) async throws {
        let (emulatorFlavor, expected) = Self.flavors[index]
        var configuration = EmulatorConfiguration.testing(stepDuration: .milliseconds(15))
        configuration.flavor = emulatorFlavor
        try await withEmulatorClient(configuration) { client, _ in
            #expect(try await client.detectFlavor() == expected)
            let request = smallTxt2Img(steps: 8, nIter: 2)
            var tracker = ProgressTracker(plan: GenerationPlan(request), flavor: expected)
            let (_, snapshots) = try await collectingProgress(client) { try await client.txt2img(request) }
            let fractions = snapshots.map { tracker.observe($0.1, at: $0.0).fraction }
            #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 }, "\(fractions)")
            #expect(fractions.contains { $0 > 0.3 && $0 < 1 }, "no mid-job progress: \(fractions)")
            #expect(tracker.finish().fraction == 1)
        }
    }
}
