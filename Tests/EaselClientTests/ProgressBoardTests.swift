import EaselClient
import EaselCore
import EaselProtocol
import Testing

@Suite struct ProgressBoardTests {
    private let job = JobID(rawValue: "job-1")

    private func progress(_ status: JobStatus, _ fraction: Double, step: Int? = nil, error: String? = nil) -> ServerMessage {
        .job(JobEvent(jobID: job, seq: 1, timestamp: .now, kind: .progress(JobProgressState(
            status: status, fraction: fraction, currentStep: step, totalSteps: 10, errorMessage: error))))
    }

    private func complete(_ status: JobStatus, images: [String] = [], error: String? = nil) -> ServerMessage {
        .job(JobEvent(jobID: job, seq: 9, timestamp: .now, kind: .completed(JobCompletion(
            status: status, images: images, errorMessage: error, totalDuration: 1, generationInfo: nil))))
    }

    @Test func progressNeverGoesBackwardsAndReplaysChangeNothing() {
        var board = ProgressBoard(scope: .jobs([job]))
        #expect(board.apply(progress(.processing, 0.6, step: 6)) == job)
        #expect(board.apply(progress(.processing, 0.4, step: 4)) == nil)
        #expect(board.rows[0].fraction == 0.6)
        #expect(board.rows[0].currentStep == 6)
    }

    @Test func aCompletionFinishesTheRowAndLaterUpdatesAreIgnored() {
        var board = ProgressBoard(scope: .jobs([job]))
        board.apply(progress(.processing, 0.9, step: 9))
        #expect(!board.isDone)
        #expect(board.apply(complete(.completed, images: ["/img/0"])) == job)
        #expect(board.isDone)
        #expect(board.rows[0].fraction == 1)
        #expect(board.rows[0].currentStep == 10)
        #expect(board.apply(progress(.processing, 0.5)) == nil)
        #expect(board.apply(complete(.completed, images: ["/img/0"])) == nil)
        #expect(board.unsuccessful.isEmpty)
    }

    @Test func aSnapshotAfterReconnectFinishesTheJobWithItsImages() {
        var board = ProgressBoard(scope: .jobs([job]))
        board.apply(progress(.completed, 1, step: 10))
        #expect(board.rows[0].status == .completed)
        #expect(!board.isDone, "done only once generation_complete brings the images")
        #expect(board.apply(progress(.processing, 0.5)) == nil)
        #expect(board.apply(complete(.completed, images: ["/img/0"])) == job)
        #expect(board.isDone)
        #expect(board.rows[0].images == ["/img/0"])
    }

    @Test func failedAndCancelledJobsAreUnsuccessful() {
        var board = ProgressBoard(scope: .jobs([job]))
        board.apply(complete(.failed, error: "CUDA out of memory"))
        #expect(board.isDone)
        #expect(board.unsuccessful.map(\.errorMessage) == ["CUDA out of memory"])
    }

    @Test func otherJobsAreIgnoredUnlessFollowingAll() {
        let other = JobID(rawValue: "job-2")
        let started = ServerMessage.job(JobEvent(jobID: other, seq: 1, timestamp: .now, kind: .started(GenerationParameters(prompt: "a cat"))))
        var some = ProgressBoard(scope: .jobs([job]))
        #expect(some.apply(started) == nil)
        var all = ProgressBoard(scope: .allJobs)
        #expect(all.apply(started) == other)
        #expect(all.rows.map(\.prompt) == ["a cat"])
        #expect(all.rows.map(\.totalSteps) == [20])
        #expect(!all.isDone)
        #expect(all.selection == .allJobs)
    }
}
