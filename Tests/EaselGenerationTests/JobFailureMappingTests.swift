import EaselCore
@testable import EaselGeneration
import SDNext
import Testing

/// Every SD.Next error becomes a documented failure code, keeping SD.Next's message.
@Suite struct JobFailureMappingTests {
    static let cases: [(SDNextError, JobFailure.Code)] = [
        (SDNextError(code: .emptyImages, message: "no images"), .noImages),
        (SDNextError(code: .timeout, message: "slow"), .timeout),
        (SDNextError(code: .connection, message: "refused"), .backendLost),
        (SDNextError(code: .decoding, message: "bad json"), .invalidResponse),
        (SDNextError(code: .responseTooLarge, message: "huge"), .invalidResponse),
        (SDNextError(code: .httpStatus, status: 429, message: "Too many requests"), .rateLimited),
        (SDNextError(code: .httpStatus, status: 500, message: "rate limit exceeded"), .rateLimited),
        (SDNextError(code: .httpStatus, status: 422, message: "field required"), .invalidRequest),
        (SDNextError(code: .httpStatus, status: 400, message: "bad"), .invalidRequest),
        (SDNextError(code: .httpStatus, status: 500, message: "CUDA out of memory"), .sdnextError),
        (SDNextError(code: .invalidURL, message: "no host"), .sdnextError),
    ]

    @Test(arguments: cases.indices)
    func mapsToItsCode(_ index: Int) {
        let (error, code) = Self.cases[index]
        let failure = JobFailure(error, backend: "http://gpu:7860")
        #expect(failure.code == code)
        #expect(failure.message.contains(error.message))
        #expect(JobFailure.Code.all.contains(failure.code))
    }
}
