import SDNext

/// Whether an attempt's failure says anything about the job, as a pure function of the error. A transient failure is
/// the backend's (it broke, went away, was too slow, or answered with nothing): another attempt, preferably elsewhere,
/// may succeed. A permanent one is the job's (SD.Next refused its parameters): every backend would refuse it too.
public enum FailureClass: Sendable, Equatable {
    case transient
    case permanent

    /// - 5xx, 200 with no images, a lost or refused connection, no answer in time: transient.
    /// - 4xx (422 and 400: the parameters; any other but 429): permanent. 429 is neither: the job is handed back with
    ///   its attempt refunded, before this is asked.
    /// - An answer that cannot be read (malformed, too large) or a URL that cannot be used: permanent, as the same
    ///   request would get the same answer.
    public init(_ error: SDNextError) {
        switch error.code {
        case .connection, .timeout, .emptyImages:
            self = .transient
        case .httpStatus:
            self = (error.status ?? 500) >= 500 ? .transient : .permanent
        default:
            self = .permanent
        }
    }
}
