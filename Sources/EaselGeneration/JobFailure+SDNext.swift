import EaselCore
import SDNext

extension JobFailure {
    /// The failure an SD.Next error stands for, with SD.Next's own message.
    init(_ error: SDNextError, backend: String) {
        switch error.code {
        case .emptyImages:
            self.init(.noImages, error.message)
        case .timeout:
            self.init(.timeout, error.message)
        case .connection:
            self.init(.backendLost, "Backend \(backend) became unreachable: \(error.message)")
        case .decoding, .responseTooLarge:
            self.init(.invalidResponse, error.message)
        case .rateLimited:
            self.init(.rateLimited, error.message)
        case .httpStatus where error.status == 429 || error.message.lowercased().contains("rate limit"):
            self.init(.rateLimited, error.message)
        case .httpStatus where error.status == 400 || error.status == 422:
            self.init(.invalidRequest, error.message)
        default:
            self.init(.sdnextError, error.message)
        }
    }
}
