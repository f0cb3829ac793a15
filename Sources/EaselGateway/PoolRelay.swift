import DynamicJSON
import EaselGeneration
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import SDNext

/// The calls the pool passes on to SD.Next as they are: `png-info` to one backend, the refresh routes to all.
struct PoolRelay: Sendable {
    let fanOut: PoolFanOut
    let cache: ListingCache
    let service: GenerationService
    let logger: Logger
    /// The refresh under way for each route, which concurrent callers share instead of each asking every backend.
    let refreshes = ListingCache()

    /// SD.Next's reading of an image's infotext from the first backend that answers, its refusals (422 for a body
    /// without `image`, 500 for an undecodable image) relayed as SD.Next wrote them.
    func pngInfo(path: String, body: ByteBuffer) async throws -> JSONValue {
        // A view of the collected buffer, not a copy: the client copies it once into its request.
        let bytes = body.getData(at: body.readerIndex, length: body.readableBytes, byteTransferStrategy: .noCopy) ?? Data()
        return try await fanOut.firstAnswer(path) { try await $0.client.postJSON(path, body: bytes) ?? .null }
    }

    /// Has every backend rescan its files, then forgets the pool's listings and rereads the inventories dispatch
    /// routes by (ending the queued jobs no backend can run now). The first backend's answer comes back. Callers
    /// asking while a refresh of `path` runs get that run's answer.
    func refresh(_ path: String) async throws -> JSONValue {
        try await refreshes.shared(path) { try await refreshAll(path) }
    }

    private func refreshAll(_ path: String) async throws -> JSONValue {
        let outcomes = await fanOut.outcomes { try await $0.client.postJSON(path, body: nil) ?? .null }
        await cache.removeAll()
        await InventoryMonitor.refreshAll(fanOut.backends, service: service, logger: logger)
        if let answer = outcomes.lazy.compactMap({ try? $0.result.get() }).first { return answer }
        throw PoolFanOut.refusal(path, failures: PoolFanOut.failures(of: outcomes))
    }
}
