import EaselCore
import EaselGateway
import EaselGeneration
import EaselRealtime
import Foundation
import Hummingbird
import Logging
import Prometheus
import SDNext

/// Every route Easel serves: the REST API under both `/api/v1` and `/v1` (the origin's two mounts), `/health`,
/// and the HTML test client at `/`. The progress socket (`<mount>/ws/progress`) is not a route: its upgrade is
/// taken by `ProgressSocketChannel` before routing; the route of that path answers plain requests and refused
/// upgrades.
enum EaselRouter {
    typealias Context = EaselRequestContext

    /// The paths of the progress socket, one per mount.
    static let socketPaths: Set<String> = ["/api/v1/ws/progress", "/v1/ws/progress"]

    static func build(
        service: GenerationService, backends: [Backend], webSocket: WebSocketService, callers: CallerBook,
        metrics: PrometheusCollectorRegistry, configuration: EaselConfiguration, logger: Logger
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        // The test client also works opened from disk (origin "null"), so answer cross-origin requests; not on the
        // SD.Next gateway's paths, where SD.Next answers none.
        router.add(middleware: CORSOutsideGateway(
            cors: CORSMiddleware(allowOrigin: .originBased, allowMethods: [.get, .post, .patch, .delete, .head, .options])))
        router.add(middleware: ErrorMiddleware())
        router.get("/health") { _, _ in JSONResponse(.object(["status": .string("ok"), "service": .string("easel")])) }
        router.get("/") { _, _ in try testClientPage() }
        router.get("/metrics") { _, _ in
            var text: [UInt8] = []
            // The store owns the queue's length; the gauge is read from it at each scrape.
            service.metrics.queueDepth.set(try await service.store.count(of: .queued))
            BackendMetrics.update(backends, in: metrics)
            metrics.emit(into: &text)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
        let generation = GenerationController<Context>(
            service: service, backends: backends, defaultReturnFormat: configuration.defaultReturnFormat)
        for prefix in ["/api/v1", "/v1"] {
            let group = router.group(RouterPath(prefix))
            generation.addRoutes(to: group)
            InventoryController<Context>(backends: backends, service: service, logger: logger).addRoutes(to: group)
            QueueController<Context>(service: service, backends: backends, webSocket: webSocket).addRoutes(to: group)
            BatchController<Context>(
                operations: queueOperations(service: service, backends: backends, configuration: configuration) {
                    webSocket.batchStored($0, jobs: $1)
                },
                maxBodySize: service.limits.maxRequestBytes
            ).addRoutes(to: group)
            group.get("health") { _, _ in JSONResponse(.object(["status": .string("ok"), "service": .string("easel")])) }
            // Reached only by a request that did not ask to upgrade (ProgressSocketChannel takes the ones that do,
            // and answers a refused upgrade itself); the admission check is asked here too, so the answer does not
            // depend on the headers a client sent.
            group.get("ws/progress") { request, _ -> Response in
                if case .refuse(let refusal) = webSocket.admission(for: SocketUpgradeRequest(request)) {
                    return Response(
                        status: HTTPResponse.Status(code: refusal.status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: refusal.jsonBody)))
                }
                throw APIError(.upgradeRequired, "This is the progress WebSocket: connect with a WebSocket client (Upgrade: websocket)")
            }
            group.get("ws/stats") { _, _ in
                JSONResponse(.object([
                    "connections": .number(Double(webSocket.manager.connectionCount)),
                    "subscribed_jobs": .number(Double(webSocket.manager.subscribedJobCount)),
                    "epoch": .string(webSocket.epoch),
                ]))
            }
        }
        SDNextGateway<Context>(service: service, backends: backends, callers: callers, logger: logger).addRoutes(to: router)
        return router
    }

    /// The queue operations the REST batch routes and the socket's requests share.
    static func queueOperations(
        service: GenerationService, backends: [Backend], configuration: EaselConfiguration,
        batchStored: @escaping @Sendable (BatchID, [JobID]) -> Void
    ) -> HubQueueOperations {
        HubQueueOperations(
            service: service, backends: backends, defaultReturnFormat: configuration.defaultReturnFormat,
            maxBatchSize: configuration.maxBatchSize, batchStored: batchStored)
    }

    private static func testClientPage() throws -> Response {
        guard let url = Bundle.module.url(forResource: "websocket_test_client", withExtension: "html", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url)
        else { throw APIError.notFound("The test client page is not installed") }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension SocketUpgradeRequest {
    /// The request as the socket's admission check sees it (the same fields `ProgressSocketChannel` passes).
    init(_ request: Request) {
        self.init(
            path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { Header(name: $0.name.rawName, value: $0.value) })
    }
}
