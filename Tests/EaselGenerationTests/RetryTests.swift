import EaselCore
@testable import EaselGeneration
import Foundation
import SDNext
import Testing

/// Retries as values: which failures are retried, how long a retry waits, and where it goes.
@Suite struct RetryRulesTests {
    static let classes: [(SDNextError, FailureClass)] = [
        (SDNextError(code: .httpStatus, status: 500, message: "CUDA out of memory"), .transient),
        (SDNextError(code: .httpStatus, status: 503, message: "unavailable"), .transient),
        (SDNextError(code: .emptyImages, message: "no images"), .transient),
        (SDNextError(code: .connection, message: "refused"), .transient),
        (SDNextError(code: .timeout, message: "slow"), .transient),
        (SDNextError(code: .httpStatus, status: 422, message: "field required"), .permanent),
        (SDNextError(code: .httpStatus, status: 400, message: "bad"), .permanent),
        (SDNextError(code: .httpStatus, status: 404, message: "Not Found"), .permanent),
        (SDNextError(code: .decoding, message: "bad json"), .permanent),
        (SDNextError(code: .responseTooLarge, message: "huge"), .permanent),
        (SDNextError(code: .invalidURL, message: "no host"), .permanent),
    ]

    @Test(arguments: classes.indices)
    func classifiesTheFailure(_ index: Int) {
        let (error, expected) = Self.classes[index]
        #expect(FailureClass(error) == expected, "\(error)")
    }

    @Test func backoffDoublesPerAttemptUpToItsCap() {
        let policy = RetryPolicy(base: .seconds(2), cap: .seconds(10), jitter: 0.5)
        #expect((1...5).map { policy.delay(after: $0, random: 0) } == [.seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect(policy.delay(after: 0, random: 0) == .seconds(2), "a job with no counted attempt waits the base")
        #expect(policy.delay(after: 1_000, random: 0) == .seconds(10), "no overflow far out")
    }

    @Test func jitterDrawsFromTheTopFractionOfEachDelay() {
        let policy = RetryPolicy(base: .seconds(4), cap: .seconds(60), jitter: 0.5)
        #expect(policy.delay(after: 1, random: 1) == .seconds(2))
        #expect(policy.delay(after: 1, random: 0.5) == .seconds(3))
        #expect(policy.delay(after: 2, random: 1) == .seconds(4))
        for _ in 0..<100 {
            let drawn = policy.delay(after: 3)
            #expect(drawn >= .seconds(8) && drawn <= .seconds(16))
        }
        #expect(RetryPolicy(base: .seconds(4), jitter: 0).delay(after: 1, random: 1) == .seconds(4), "no jitter")
        #expect(RetryPolicy(base: .seconds(4), jitter: 7).jitter == 1, "jitter is a fraction")
    }

    static let now = Date(timeIntervalSince1970: 1_000)
    static func head(failedOn backends: [String], model: String? = nil) -> QueueHead {
        QueueHead(id: JobID(rawValue: "retried"), requirements: JobRequirements(model: model), priority: 0,
                  createdAt: now.addingTimeInterval(-5), failedBackends: backends)
    }

    @Test(arguments: [true, false])
    func aRetryGoesToAFreeBackendItHasNotFailedOn(modelAware: Bool) {
        let policy = DispatchPolicy(modelAware: modelAware)
        let (a, b, c) = (DispatchPolicy.BackendView(inventory: nil, url: "http://a"),
                         DispatchPolicy.BackendView(inventory: nil, url: "http://b"),
                         DispatchPolicy.BackendView(inventory: nil, url: "http://c"))
        let heads = [Self.head(failedOn: ["http://a"])]
        #expect(policy.choose(from: heads, for: a, others: [b], at: Self.now) == nil, "left to b")
        #expect(policy.leavesWork(in: heads, to: [b]))
        #expect(policy.choose(from: heads, for: b, others: [a], at: Self.now)?.id.rawValue == "retried")
        #expect(policy.choose(from: heads, for: a, others: [], at: Self.now) != nil, "the only free backend takes it again")
        let failedOnBoth = [Self.head(failedOn: ["http://a", "http://b"])]
        #expect(policy.choose(from: failedOnBoth, for: a, others: [b], at: Self.now) != nil, "no better backend is free")
        #expect(policy.choose(from: failedOnBoth, for: a, others: [b, c], at: Self.now) == nil, "c has not failed it")
    }

    @Test func aRetryIsNotLeftToABackendThatCannotRunIt() {
        let policy = DispatchPolicy()
        let a = DispatchPolicy.BackendView(inventory: DispatchPolicyTests.inventory(["alpha"], loaded: "alpha"), url: "http://a")
        let lacking = DispatchPolicy.BackendView(inventory: DispatchPolicyTests.inventory(["beta"], loaded: "beta"), url: "http://b")
        let heads = [Self.head(failedOn: ["http://a"], model: "alpha [halpha]")]
        #expect(policy.choose(from: heads, for: a, others: [lacking], at: Self.now) != nil)
    }
}
