import DynamicJSON
import EaselGeneration
import Foundation
import Logging
import NIOCore
import SDNext

/// The calls the pool passes on to SD.Next as they are: `png-info` to one backend, the refresh routes to all.
struct PoolRelay: Sendable {
    /// The largest `png-info` body taken: a large PNG in base64, with room to spare.
    static let maxImageBody = 128 << 20

    let fanOut: PoolFanOut
    let cache: ListingCache
    let service: GenerationService
    let logger: Logger

    /// SD.Next's reading of an image's infotext from the first backend that answers, its refusals (422 for a body
    /// without `image`, 500 for an undecodable image) relayed as SD.Next wrote them.
    func pngInfo(path: String, body: ByteBuffer) async throws -> JSONValue {
        let bytes = Data(body.readableBytesView)
        var failures: [(Backend, any Error)] = []
        for backend in fanOut.candidates {
            do {
                return try await backend.client.postJSON(path, body: bytes) ?? .null
            } catch let error as SDNextError {
                if let refusal = PoolFanOut.relayed(error) { throw refusal }
                failures.append((backend, error))
            }
        }
        throw PoolFanOut.refusal(path, failures: failures)
    }

    /// Has every backend rescan its files, then forgets the pool's listings and rereads the inventories dispatch
    /// routes by (ending the queued jobs no backend can run now). The first backend's answer comes back.
    func refresh(_ path: String) async throws -> JSONValue {
        let outcomes = await fanOut.outcomes { try await $0.client.postJSON(path, body: nil) ?? .null }
        await cache.removeAll()
        await InventoryMonitor.refreshAll(fanOut.backends, service: service, logger: logger)
        if let answer = outcomes.lazy.compactMap({ try? $0.result.get() }).first { return answer }
        throw PoolFanOut.refusal(path, failures: PoolFanOut.failures(of: outcomes))
    }
}
