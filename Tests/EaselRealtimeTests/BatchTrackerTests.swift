import EaselCore
import EaselProtocol
import EaselRealtime
import Foundation
import Testing

@Suite struct BatchTrackerTests {
    let batch = BatchID(rawValue: "batch_t")
    let jobs = (0..<4).map { JobID(rawValue: "j\($0)") }

    private func progress(_ job: JobID, _ fraction: Double) -> JobEvent {
        JobEvent(jobID: job, seq: 2, timestamp: Date(), kind: .progress(JobProgressState(status: .processing, fraction: fraction)))
    }

    private func ended(_ job: JobID, _ status: JobStatus) -> JobEvent {
        JobEvent(jobID: job, seq: 3, timestamp: Date(), kind: .completed(JobCompletion(
            status: status, images: [], errorMessage: nil, totalDuration: nil, generationInfo: nil)))
    }

    @Test func reportsAtOnceThenAtMostOncePerInterval() {
        var tracker = BatchTracker(batchID: batch, counts: BatchCounts([.queued: 4]), now: 100, interval: 0.25)
        let first = tracker.due(at: 100)
        #expect(first?.progress == 0)
        let unchanged = tracker.due(at: 100.01)
        #expect(unchanged == nil, "nothing changed")
        tracker.apply(progress(jobs[0], 0.5))
        let early = tracker.due(at: 100.1)
        #expect(early == nil, "held back by the interval")
        let report = tracker.due(at: 100.3)
        #expect(report?.progress == 0.125 && report?.isComplete == false)
    }

    @Test func countsEndingsAndCompletesOnce() throws {
        var tracker = BatchTracker(batchID: batch, counts: BatchCounts([.queued: 4]), now: 0, interval: 0.25)
        _ = tracker.due(at: 0)
        tracker.apply(progress(jobs[0], 0.5))
        tracker.apply(ended(jobs[0], .completed))
        tracker.apply(ended(jobs[0], .completed))
        tracker.apply(ended(jobs[1], .failed))
        tracker.apply(ended(jobs[2], .cancelled))
        let partialReport = tracker.due(at: 10)
        let partial = try #require(partialReport)
        #expect(partial.done == 1 && partial.failed == 1 && partial.cancelled == 1 && partial.total == 4 && partial.progress == 0.75)
        #expect(partial.etaSeconds.map { abs($0 - 10.0 / 3) < 0.01 } == true, "three endings in 10 s, one job left")
        tracker.apply(ended(jobs[3], .completed))
        let completeReport = tracker.due(at: 10.01)
        let complete = try #require(completeReport, "completion is not held back")
        #expect(complete.isComplete && complete.progress == 1 && complete.done == 2)
        tracker.apply(ended(jobs[3], .completed))
        let again = tracker.due(at: 20)
        #expect(again == nil, "one batch_complete")
    }

    @Test func startsFromTheStoresCounts() {
        var tracker = BatchTracker(batchID: batch, counts: BatchCounts([.completed: 3, .processing: 1]), now: 0)
        let start = tracker.due(at: 0)
        #expect(start?.progress == 0.75)
        tracker.apply(ended(jobs[3], .completed))
        let end = tracker.due(at: 1)
        #expect(end?.isComplete == true)
    }
}
