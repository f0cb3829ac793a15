import Hummingbird

/// Applies the request-level faults: `exitProcess` (stop the server and drop the connection
/// without answering) and `responseDelayMs` (hold every response). The emulator's own
/// `/emulator/...` routes are exempt so faults can always be cleared.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let controls: EmulatorControls
    let exitSignal: ExitSignal

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.path.hasPrefix("/emulator/") { return try await next(request, context) }
        let faults = await controls.faults
        if faults.exitProcess {
            exitSignal.trigger()
            context.channel.close(promise: nil)
            throw CancellationError()
        }
        let response = try await next(request, context)
        if faults.responseDelayMs > 0 {
            try await Task.sleep(for: .milliseconds(faults.responseDelayMs))
        }
        return response
    }
}
