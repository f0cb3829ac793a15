import DynamicJSON
import EaselGeneration
import Foundation
import Hummingbird
import SDNext

/// One SD.Next call put to every backend of the pool at once. A backend known to be down is not asked; one that
/// fails is left out of the answers; when none answers, the client gets SD.Next's own refusal (the first backend's,
/// as SD.Next wrote it) or, when no backend could be reached at all, a 503.
struct PoolFanOut: Sendable {
    let backends: [Backend]

    /// The backends worth asking: all but those whose last health check failed (one not checked yet may answer).
    var candidates: [Backend] { backends.filter { $0.status.healthy != false } }

    /// Every candidate's outcome, in pool order.
    func outcomes<Value: Sendable>(
        _ call: @escaping @Sendable (Backend) async throws -> Value
    ) async -> [(backend: Backend, result: Result<Value, any Error>)] {
        let asked = candidates
        let results = await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            for (index, backend) in asked.enumerated() {
                group.addTask {
                    do { return (index, .success(try await call(backend))) } catch { return (index, .failure(error)) }
                }
            }
            var results = [Result<Value, any Error>?](repeating: nil, count: asked.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        return zip(asked, results).compactMap { backend, result in result.map { (backend, $0) } }
    }

    /// The answers of the backends that answered, in pool order; throws when none did.
    func answers(_ path: String, _ call: @escaping @Sendable (Backend) async throws -> JSONValue) async throws -> [JSONValue] {
        let outcomes = await outcomes(call)
        let answers = outcomes.compactMap { try? $0.result.get() }
        guard answers.isEmpty else { return answers }
        throw Self.refusal(path, failures: Self.failures(of: outcomes))
    }

    /// The answer of the first candidate (in pool order) that answers `path`. SD.Next's own refusal (a 4xx or 5xx
    /// it wrote) ends the search and is relayed as it came; a backend that cannot be reached is skipped; when none
    /// answered, the pool's 503 (`refusal`).
    func firstAnswer<Value: Sendable>(_ path: String, _ call: (Backend) async throws -> Value) async throws -> Value {
        var failures: [(Backend, any Error)] = []
        for backend in candidates {
            do {
                return try await call(backend)
            } catch let error as SDNextError {
                if let refusal = Self.relayed(error) { throw refusal }
                failures.append((backend, error))
            } catch let error as CancellationError {
                throw error
            } catch {
                failures.append((backend, error))
            }
        }
        throw Self.refusal(path, failures: failures)
    }

    static func failures<Value>(of outcomes: [(backend: Backend, result: Result<Value, any Error>)]) -> [(Backend, any Error)] {
        outcomes.compactMap { outcome in
            if case .failure(let error) = outcome.result { return (outcome.backend, error) }
            return nil
        }
    }

    /// What the client gets when no backend answered `path`.
    static func refusal(_ path: String, failures: [(Backend, any Error)]) -> GatewayError {
        if let answered = failures.lazy.compactMap({ ($0.1 as? SDNextError).flatMap(relayed) }).first {
            return answered
        }
        let reasons = failures.map { "\($0.0.url): \(($0.1 as? SDNextError)?.message ?? "\($0.1)")" }
        let detail = failures.isEmpty
            ? "No healthy SD.Next backend in Easel's pool to answer \(path)"
            : "No SD.Next backend in Easel's pool answered \(path) (\(reasons.joined(separator: "; ")))"
        return .httpException(.serviceUnavailable, detail: detail)
    }

    /// SD.Next's own error answer, status and body as it sent them; nil when no answer arrived.
    static func relayed(_ error: SDNextError) -> GatewayError? {
        guard let status = error.status, !(200..<300).contains(status) else { return nil }
        let text = error.body ?? ""
        let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
        return GatewayError(status: HTTPResponse.Status(code: status), body: body)
    }
}
