import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why a client call failed, worded for a person and ready to print as one line. `kind` tells a script's
/// exit code apart: an unreachable server is not the same failure as a rejected request.
public struct ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No connection to the server (refused, timed out, dropped and not back in time).
        case unreachable
        /// The server does not know the job (or result) asked about.
        case notFound
        /// The server rejected the request: invalid parameters (its 422) or a state that forbids it.
        case rejected
        /// The server failed or answered something this client cannot read.
        case server
        /// The command line itself is wrong (a bad `--server` address, a malformed job id).
        case invalidInput
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The process exit code for this failure: 3 when the server cannot be reached, 1 otherwise
    /// (2 is kept for a watched job that ended failed or cancelled).
    public var exitCode: Int32 { kind == .unreachable ? 3 : 1 }

    /// An error for a failed connection to `endpoint`, with the cause in a few words.
    static func unreachable(_ endpoint: ServerEndpoint, _ error: any Error) -> ClientError {
        ClientError(.unreachable, "cannot reach the Easel server at \(endpoint) (\(shortReason(error)))")
    }

    /// The cause of a connection failure in a few words ("connection refused"), not a type dump.
    static func shortReason(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return shortReason(first.error)
        }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)).lowercased() }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout: return "timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return error.description
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error { return "timed out" }
        let text = String(describing: error)
        return text.count > 160 ? String(text.prefix(160)) + "…" : text
    }
}
