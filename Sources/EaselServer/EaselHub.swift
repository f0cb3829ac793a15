import EaselCore
import EaselGateway
import EaselGeneration
import EaselRealtime
import EaselSQLite
import EaselWebhooks
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Prometheus
import SDNext
import ServiceLifecycle

/// The whole hub as one service: the job store, the delivery worker, the WebSocket service and the HTTP server,
/// over the SD.Next backends it is given. `run()` returns after a graceful shutdown with nothing left running.
public struct EaselHub: Service {
    let configuration: EaselConfiguration
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// - Parameter onListening: called with the HTTP port once the server accepts connections.
    public init(configuration: EaselConfiguration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        try await runHub(backendURLs: configuration.backendURLs)
    }

    private func runHub(backendURLs: [String]) async throws {
        let store = try SQLiteJobStore(path: configuration.resolvedDatabasePath)
        try await HTTPClient.withHTTPClient(configuration: .sdNext) { httpClient in
            // One client per backend: its pacer is shared by the job run, the progress monitor and the health checks.
            let backends = try backendURLs.map { url in
                var sdnext = try SDNextConfiguration(url: url)
                sdnext.pacing = configuration.backendPacing
                return Backend(
                    client: SDNextClient(configuration: sdnext, httpClient: httpClient),
                    circuitBreaker: configuration.worker.circuitBreaker)
            }
            try await runServices(store: store, backends: backends)
        }
    }

    private func runServices(store: SQLiteJobStore, backends: [Backend]) async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = EaselMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let presenter = ResultPresenter(
            images: try ImageStore(directory: configuration.imageDirectory), imageURL: ImageRoutes.url(of:index:),
            processedURL: ImageRoutes.processedURL(of:index:), inputURL: ImageRoutes.inputURL(of:file:))
        let inputs = InputImages(store: try ImageStore(directory: configuration.inputDirectory))
        let service = GenerationService(
            store: store, events: JobEventBus(), presenter: presenter, inputs: inputs, limits: configuration.limits, metrics: metrics,
            webhooks: WebhookAnnouncer(
                serverURLs: configuration.webhooks.url.map { [$0] } ?? [], events: configuration.webhooks.events,
                imageURL: ImageRoutes.url(of:index:)),
            dispatch: DispatchSignal(loops: backends.count))
        let recovered = try await service.recoverInterruptedJobs(maxAttempts: configuration.worker.maxAttempts)
        if recovered.requeued + recovered.ended > 0 {
            logger.notice("recovered jobs left running by the last stop", metadata: [
                "requeued": "\(recovered.requeued)", "ended": "\(recovered.ended)",
            ])
        }
        let webSocket = WebSocketService(
            bus: service.events, manager: ConnectionManager(configuration: configuration.realtime, metrics: metrics),
            snapshots: { await service.snapshot(of: $0) }, logger: logger,
            operations: { [configuration] in
                EaselRouter.queueOperations(service: service, backends: backends, configuration: configuration, batchStored: $0)
            })
        let manager = webSocket.manager
        let callers = CallerBook()
        let worker = DeliveryWorker(
            backends: backends, service: service, configuration: configuration.worker,
            previewDemand: { manager.wantsPreviews(of: $0) || callers.wantsPreviews(of: $0) }, logger: logger)
        let application = buildApplication(
            service: service, backends: backends, webSocket: webSocket, callers: callers, metrics: registry)
        logger.info("backends", metadata: ["urls": "\(backends.map(\.url).joined(separator: ", "))"])
        let inventory = InventoryMonitor(
            backends: backends, service: service, interval: configuration.inventoryInterval, logger: logger)
        let webhooks = WebhookSender(store: store, configuration: configuration.webhooks, logger: logger)
        let positions = QueuePositions(
            store: store, events: service.events, backends: backends, configuration: configuration.positions, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [
            .init(service: worker, successTerminationBehavior: .ignore),
            .init(service: inventory, successTerminationBehavior: .ignore),
            .init(service: webhooks, successTerminationBehavior: .ignore),
            .init(service: positions, successTerminationBehavior: .ignore),
            .init(
                service: MetricsSampler(
                    service: service, backends: backends, webSocket: webSocket, interval: configuration.realtime.metricsInterval),
                successTerminationBehavior: .ignore),
            .init(service: webSocket), .init(service: application),
        ], logger: logger))
        try await group.run()
    }

    private func buildApplication(
        service: GenerationService, backends: [Backend], webSocket: WebSocketService, callers: CallerBook,
        metrics: PrometheusCollectorRegistry
    ) -> some ApplicationProtocol {
        let router = EaselRouter.build(
            service: service, backends: backends, webSocket: webSocket, callers: callers, metrics: metrics,
            configuration: configuration, logger: logger)
        let onListening = self.onListening
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                ProgressSocketChannel(responder: responder, webSocket: webSocket, socketPaths: EaselRouter.socketPaths)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Easel"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

