import Logging

extension Logger {
    /// A copy that adds one metadata value, for loggers handed to a job, a backend or a connection.
    public func with(_ key: String, _ value: String) -> Logger {
        var logger = self
        logger[metadataKey: key] = "\(value)"
        return logger
    }
}
