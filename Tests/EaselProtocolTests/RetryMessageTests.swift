import EaselCore
import EaselProtocol
import Foundation
import Testing

/// A `progress_update` with status `retrying`: the origin's keys plus the retry's, read back into the same notice.
@Suite struct RetryMessageTests {
    @Test func aRetryingUpdateCarriesTheAttemptTheErrorAndWhenItRunsAgain() throws {
        let sent = Date(timeIntervalSince1970: 1_759_382_884.5)
        let notice = RetryNotice(
            attempt: 1, maxAttempts: 3, failure: JobFailure(.sdnextError, "CUDA out of memory"),
            retryAt: sent.addingTimeInterval(1.75))
        let event = JobEvent(
            jobID: JobID(rawValue: "job-1"), seq: 4, timestamp: sent,
            kind: .progress(JobProgressState(status: .queued, fraction: 0, currentStep: 0, totalSteps: 8,
                                             errorMessage: "CUDA out of memory", retry: notice)))
        let text = ServerMessage.job(event).encoded()
        let data = try #require(
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["data"] as? [String: Any])
        #expect(Set(data.keys) == [
            "job_id", "seq", "progress", "status", "current_step", "total_steps", "eta_seconds", "preview_image",
            "error_message", "queue_position", "attempt", "max_attempts", "error_code", "retry_at", "retry_in_seconds",
        ])
        #expect(data["status"] as? String == "retrying")
        #expect(data["attempt"] as? Int == 1 && data["max_attempts"] as? Int == 3)
        #expect(data["error_code"] as? String == "sdnext_error" && data["error_message"] as? String == "CUDA out of memory")
        #expect(data["retry_at"] as? String == "2025-10-02T05:28:06.250000+00:00")
        #expect(data["retry_in_seconds"] as? Double == 1.75)

        guard case .job(let decoded) = try ServerMessage.decode(text), case .progress(let progress) = decoded.kind else {
            Issue.record("not a progress update")
            return
        }
        #expect(progress.status == .queued && progress.wireStatus == "retrying" && progress.retry == notice)
    }
}
