import AsyncHTTPClient
import EaselTesting
import Foundation
import SDNext
import SDNextEmulator
import Testing

/// Progress as seen while generations run on the emulator.
@Suite(.timeLimit(.minutes(1))) struct ProgressTests {
    /// The order SD.Next's stages run in for one txt2img iteration (reference §2.3).
    private static let stageOrder = ["API-TXT", "Process", "Base", "Params", "TE Encode", "Inference", "VAE Decode"]

    @Test func stagesAppearInSDNextOrderDuringTxt2img() async throws {
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(40), stageGap: .milliseconds(60))
        try await withEmulatorClient(emulator) { client, running in
            let (result, polled) = try await collectingProgress(client) {
                try await client.txt2img(smallTxt2Img(steps: 5))
            }
            #expect(result.images.count == 1)
            let snapshots = polled.map(\.1)

            var stages: [String] = []
            for job in snapshots.map(\.state.job) where !job.isEmpty && stages.last != job {
                stages.append(job)
            }
            let positions = stages.compactMap { Self.stageOrder.firstIndex(of: $0) }
            #expect(positions.count == stages.count, "unexpected stage in \(stages)")
            #expect(positions == positions.sorted(), "stages out of order: \(stages)")
            // Polling may miss a short stage on a busy machine; SD.Next's own stage log does not.
            #expect(try await stageLog(of: running) == Self.stageOrder.map { $0.lowercased() })

            let sampling = snapshots.filter(\.isSampling)
            #expect(sampling.allSatisfy { if case .text = $0.id { true } else { false } })
            #expect(Set(sampling.map(\.id)).count <= 1, "one sampling pass, one stage id")
            let steps = sampling.map(\.state.samplingStep)
            #expect(steps == steps.sorted())
            #expect(snapshots.filter { $0.state.job.isEmpty }.allSatisfy { $0.id == .none || $0.id == .number(0) })
        }
    }

    @Test func aSamplingStageIsSeenByPollingWithItsOwnID() async throws {
        // The hang fault holds the generation after its first sampling step until the fault is cleared, so the
        // poll below waits for a state that stays, not for a window it might miss.
        var hang = FaultSettings()
        hang.hang = true
        try await withEmulatorClient(.testing(stepDuration: .milliseconds(20))) { client, running in
            await running.controls.setFaults(hang)
            async let generation = client.txt2img(smallTxt2Img(steps: 5))
            var snapshot = try await client.progress()
            while !(snapshot.isSampling && snapshot.state.samplingStep >= 1) { snapshot = try await client.progress() }
            #expect(snapshot.state.job == "Inference")
            #expect(snapshot.state.samplingStep >= 1 && snapshot.state.samplingSteps == 5)
            if case .text(let id) = snapshot.id { #expect(id.count == 15) } else { Issue.record("stage id \(snapshot.id)") }
            await running.controls.setFaults(FaultSettings())
            #expect(try await generation.images.count == 1)
        }
    }

    @Test func trackerIsMonotonicFromZeroToOneOverTwoIterations() async throws {
        // Each pass samples for 8 × 80 ms, so polls land inside both passes even on a loaded machine.
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(80), stageGap: .milliseconds(10))
        try await withEmulatorClient(emulator) { client, _ in
            let request = smallTxt2Img(steps: 8, nIter: 2)
            let plan = GenerationPlan(request)
            #expect(plan.totalSteps == 16)
            let start = ContinuousClock.now
            // Read before the request, so the first observation is the idle server's, whenever the polls begin.
            let idle = try await client.progress()
            let (result, polled) = try await collectingProgress(client) { try await client.txt2img(request) }
            #expect(result.images.count == 2)

            var tracker = ProgressTracker(plan: plan, startedAt: start)
            var fractions = ([(start, idle)] + polled).map { tracker.observe($0.1, at: $0.0).fraction }
            fractions.append(tracker.finish().fraction)

            #expect(fractions.first == 0)
            #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 }, "not monotonic: \(fractions)")
            #expect(fractions.last == 1)
            #expect(fractions.contains { $0 > 0 && $0 < 0.5 }, "no progress seen in the first pass: \(fractions)")
            #expect(fractions.contains { $0 > 0.5 && $0 < 1 }, "second pass not counted: \(fractions)")
        }
    }

    @Test func etaIsReportedOnceStepsAdvance() async throws {
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(30))
        try await withEmulatorClient(emulator) { client, _ in
            let request = smallTxt2Img(steps: 40)
            let start = ContinuousClock.now
            let (_, polled) = try await collectingProgress(client) { try await client.txt2img(request) }
            var tracker = ProgressTracker(plan: GenerationPlan(request), startedAt: start)
            let reports = polled.map { tracker.observe($0.1, at: $0.0) }
            let withETA = reports.filter { $0.etaSeconds != nil && $0.currentStep < $0.totalSteps }
            #expect(!withETA.isEmpty)
            #expect(withETA.allSatisfy { ($0.etaSeconds ?? -1) >= 0 })
        }
    }

    @Test func previewsArriveAsSniffableImagesWhileSampling() async throws {
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(20))
        try await withEmulatorClient(emulator) { client, _ in
            let previews = try await withThrowingTaskGroup(of: [EncodedImage].self) { group in
                group.addTask {
                    _ = try await client.txt2img(smallTxt2Img(steps: 300))
                    return []
                }
                group.addTask {
                    var found: [EncodedImage] = []
                    _ = try await eventually {
                        let snapshot = try await client.progress(skipCurrentImage: false)
                        guard snapshot.isSampling, let preview = snapshot.currentImage else { return false }
                        found.append(try EncodedImage(base64: preview))
                        return true
                    }
                    _ = try await eventually {
                        let live = try await client.internalProgress(taskID: nil, livePreviewID: 0)
                        guard let preview = live.livePreview else { return false }
                        #expect(preview.hasPrefix("data:image/jpeg;base64,"))
                        found.append(try EncodedImage(base64: preview))
                        return true
                    }
                    await client.keepInterrupting(every: .milliseconds(100))
                    return found
                }
                defer { group.cancelAll() }
                _ = try await group.next()
                group.cancelAll()
                return try await group.reduce(into: [EncodedImage]()) { $0 += $1 }
            }
            #expect(previews.map(\.format) == [.jpeg, .jpeg])
            let idle = try await client.progress(skipCurrentImage: false)
            #expect(!idle.isSampling)
        }
    }
}

/// The (lower-case, as SD.Next logs them) names of the stages begun so far, in order, from the emulator's `/sdapi/v1/history` (SD.Next's stage log).
private func stageLog(of emulator: RunningEmulator) async throws -> [String] {
    let response = try await HTTPClient.shared.execute(
        HTTPClientRequest(url: emulator.baseURL + "/sdapi/v1/history"), timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    let entries = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
    return entries.filter { $0["op"] as? String == "begin" }.compactMap { $0["job"] as? String }
}
