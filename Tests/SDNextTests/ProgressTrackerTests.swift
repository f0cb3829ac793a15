import Testing

@testable import SDNext

/// `ProgressTracker` against synthetic snapshot sequences shaped like SD.Next's per-stage state (§2.3).
@Suite struct ProgressTrackerTests {
    typealias StageID = ProgressSnapshot.StageID

    private func snapshot(_ job: String, id: StageID = .none, step: Int = 0, of steps: Int = 0, eta: Double = 0) -> ProgressSnapshot {
        let progress = steps > 0 ? Double(step) / Double(steps) : 0
        return ProgressSnapshot(
            id: id,
            progress: progress,
            etaRelative: eta,
            state: .init(job: job, jobCount: job.isEmpty ? 0 : 1, samplingStep: step, samplingSteps: steps)
        )
    }

    /// One iteration as SD.Next reports it: setup stages, gap, `steps` Inference snapshots, gap, VAE decode.
    private func iteration(inferenceID: StageID, steps: Int) -> [ProgressSnapshot] {
        var sequence = [snapshot("Base", id: .text("b")), snapshot(""), snapshot("", step: 0, of: steps)]
        sequence += (0...steps).map { snapshot("Inference", id: inferenceID, step: $0, of: steps) }
        sequence += [snapshot("", step: steps, of: steps), snapshot("VAE Decode", id: .text("v")), snapshot("")]
        return sequence
    }

    private func fractions(_ snapshots: [ProgressSnapshot], plan: GenerationPlan) -> [Double] {
        var tracker = ProgressTracker(plan: plan, startedAt: .now)
        return snapshots.map { tracker.observe($0).fraction }
    }

    @Test func planCountsPassesAndDenoise() {
        #expect(GenerationPlan(steps: 20).totalSteps == 20)
        #expect(GenerationPlan(steps: 20, iterations: 2, hiresSteps: 10).totalSteps == 60)
        #expect(GenerationPlan(steps: 20, denoisingStrength: 0.5).stepsPerPass == 10)
        #expect(GenerationPlan(steps: 25, denoisingStrength: 0.3).stepsPerPass == 7)
        #expect(GenerationPlan(Txt2ImgRequest(GenerationFields(steps: 10), nIter: 3)).totalSteps == 30)
        var hires = Txt2ImgRequest(GenerationFields(steps: 10))
        hires.enableHr = true
        #expect(GenerationPlan(hires).totalSteps == 20)
        #expect(GenerationPlan(Img2ImgRequest(initImages: ["x"])).totalSteps == 10)
    }

    @Test func twoIterationsClimbMonotonicallyToOne() {
        let snapshots = iteration(inferenceID: .text("aaa"), steps: 10) + iteration(inferenceID: .text("bbb"), steps: 10)
        let seen = fractions(snapshots, plan: GenerationPlan(steps: 10, iterations: 2))
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(seen.first == 0)
        #expect(seen.contains(0.5))
        #expect(seen.last == 1.0)
        #expect(seen.filter { $0 == 1.0 }.count == 4)  // last step, "step N/N" gap, VAE decode, final idle
    }

    @Test func perStageResetsDoNotPullProgressBack() {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 10, iterations: 2))
        tracker.observe(snapshot("Inference", id: .text("a"), step: 10, of: 10))
        let afterFirst = tracker.observe(snapshot("", step: 0, of: 0))
        #expect(afterFirst.currentStep == 10)
        #expect(afterFirst.fraction == 0.5)
        #expect(tracker.observe(snapshot("Inference", id: .text("b"), step: 0, of: 10)).currentStep == 10)
        #expect(tracker.observe(snapshot("Inference", id: .text("b"), step: 4, of: 10)).currentStep == 14)
    }

    @Test func aMissedStageEndIsCountedByTheIDChange() {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 20, iterations: 2))
        tracker.observe(snapshot("Inference", id: .text("first"), step: 7, of: 20))
        // The rest of pass one, its VAE decode and the start of pass two were never polled.
        let progress = tracker.observe(snapshot("Inference", id: .text("second"), step: 3, of: 20))
        #expect(progress.currentStep == 23)
        #expect(progress.fraction < 1)
    }

    @Test(arguments: [
        [StageID.number(1), .number(2)],
        [StageID.text("a1"), .text("b2")],
        [StageID.none, .none],
    ])
    func newPassesAreFoundForEveryIDType(ids: [StageID]) {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 10, iterations: 2))
        tracker.observe(snapshot("Inference", id: ids[0], step: 6, of: 10))
        let progress = tracker.observe(snapshot("Inference", id: ids[1], step: 2, of: 10))
        #expect(progress.currentStep == 12)
    }

    @Test func staleStateFromAnEarlierJobIsIgnored() {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 20))
        // The previous request left "step 20 of 20" behind with an empty stage name.
        #expect(tracker.observe(snapshot("", step: 20, of: 20)).currentStep == 0)
        #expect(tracker.observe(snapshot("API-TXT", id: .text("x"))).fraction == 0)
    }

    @Test func hiresAndDenoisePassesUseTheirPlannedLengths() {
        var hires = ProgressTracker(plan: GenerationPlan(steps: 10, hiresSteps: 4))
        hires.observe(snapshot("Inference", id: .text("base"), step: 10, of: 10))
        #expect(hires.observe(snapshot("Inference", id: .text("hires"), step: 2, of: 4)).currentStep == 12)
        var img2img = ProgressTracker(plan: GenerationPlan(steps: 20, denoisingStrength: 0.5))
        #expect(img2img.observe(snapshot("Inference", id: .text("i"), step: 5, of: 10)).currentStep == 5)
        // A server that counts the pass differently is scaled to the plan, never past it.
        #expect(img2img.observe(snapshot("Inference", id: .text("i"), step: 11, of: 11)).currentStep == 10)
    }

    @Test func oneOnlyAfterAllStepsOrFinish() {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 10, iterations: 3))
        tracker.observe(snapshot("Inference", id: .text("a"), step: 10, of: 10))
        #expect(tracker.progress.fraction < 1)
        let finished = tracker.finish()
        #expect(finished == JobProgress(fraction: 1, currentStep: 30, totalSteps: 30, etaSeconds: 0, stage: ""))
        #expect(tracker.observe(snapshot("Inference", id: .text("z"), step: 1, of: 10)).fraction == 1)
    }

    @Test func etaAppearsOnceARateExists() {
        let start = ContinuousClock.now
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 10), startedAt: start)
        #expect(tracker.observe(snapshot("Inference", id: .text("a"), step: 0, of: 10), at: start).etaSeconds == nil)
        let progress = tracker.observe(snapshot("Inference", id: .text("a"), step: 5, of: 10), at: start + .seconds(5))
        // 1 step per second observed, 5 left; SD.Next's own estimate agrees.
        #expect(progress.etaSeconds == 5)
        let blended = tracker.observe(snapshot("Inference", id: .text("a"), step: 6, of: 10, eta: 8), at: start + .seconds(6))
        #expect(blended.etaSeconds == 6)  // (4 s own + 8 s SD.Next) / 2
    }

    @Test func cumulativeServersAreFollowedToo() {
        var tracker = ProgressTracker(plan: GenerationPlan(steps: 10, iterations: 2))
        let legacy = ProgressSnapshot(progress: 0.5, state: .init(job: "API TXT", jobCount: 2, jobNo: 1, samplingStep: 0, samplingSteps: 10))
        #expect(tracker.observe(legacy).currentStep == 10)
        let nearlyDone = ProgressSnapshot(progress: 1.0, state: .init(job: "API TXT", jobCount: 2, jobNo: 1, samplingStep: 10, samplingSteps: 10))
        #expect(tracker.observe(nearlyDone).fraction < 1)
    }
}
