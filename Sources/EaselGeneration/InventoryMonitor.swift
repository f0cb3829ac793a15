import Logging
import ServiceLifecycle

/// Keeps every backend's inventory fresh: read at start, then every `interval`, so models and LoRAs added to a
/// backend (or a model another client loaded) show up without a restart. `POST generation/backends/refresh` reads
/// them at once through `refreshAll`.
public struct InventoryMonitor: Service {
    let backends: [Backend]
    let interval: Duration
    let logger: Logger

    public init(backends: [Backend], interval: Duration = .seconds(60), logger: Logger) {
        self.backends = backends
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await Self.refreshAll(backends, logger: logger)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Reads every backend's inventory concurrently; returns the URLs of those that could not be read.
    @discardableResult
    public static func refreshAll(_ backends: [Backend], logger: Logger) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            for backend in backends {
                group.addTask {
                    do {
                        try await backend.refreshInventory()
                        return nil
                    } catch {
                        logger.debug("inventory not read", metadata: ["backend": "\(backend.url)", "error": "\(error)"])
                        return backend.url
                    }
                }
            }
            return await group.reduce(into: []) { failed, url in if let url { failed.append(url) } }
        }
    }
}
