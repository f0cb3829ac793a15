import Logging
import ServiceLifecycle

/// Keeps every backend's inventory fresh: read at start, then every `interval`, so models and LoRAs added to a
/// backend (or a model another client loaded) show up without a restart. `POST generation/backends/refresh` reads
/// them at once through `refreshAll`. After each pass, queued jobs no backend can run are ended (`UnrunnableJobs`).
public struct InventoryMonitor: Service {
    let backends: [Backend]
    let service: GenerationService
    let interval: Duration
    let logger: Logger

    public init(backends: [Backend], service: GenerationService, interval: Duration = .seconds(60), logger: Logger) {
        self.backends = backends
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await Self.refreshAll(backends, service: service, logger: logger)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Reads every backend's inventory concurrently, then ends the queued jobs none can run once every inventory is
    /// known; returns the URLs of those that could not be read.
    @discardableResult
    public static func refreshAll(_ backends: [Backend], service: GenerationService, logger: Logger) async -> [String] {
        let failed: [String] = await withTaskGroup(of: String?.self) { group in
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
        do {
            try await UnrunnableJobs(backends: backends, service: service, logger: logger).end()
        } catch {
            logger.error("could not end the jobs no backend can run", metadata: ["error": "\(error)"])
        }
        return failed
    }
}
