import Hummingbird
import SDNextModels

/// `GET /sdapi/v1/log?lines=&clear=` and `POST /sdapi/v1/log` (`server.get_log`, `server.post_log`): the UI's log
/// lines go into the server's ring buffer, and any client reads it back.
struct LogRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    static let paths: Set<String> = ["/sdapi/v1/log"]

    let log: ServerLog

    func register(on group: RouterGroup<Context>) {
        group.get("/sdapi/v1/log") { request, _ in
            let lines = try request.intQuery("lines", default: 100)
            let clear = try request.boolQuery("clear", default: false)
            return Response.json(.array(await log.lines(limit: lines, clear: clear).map(JSONValue.string)))
        }
        group.post("/sdapi/v1/log") { request, context in
            var request = request
            let body = try RequestSchema.validate(try await request.jsonBody(context: context), fields: Self.postFields)
            // The first field set wins, in `post_log`'s order.
            if let data = body.values["json"], !data.isNull {
                await log.record(
                    .info, module: "server", function: "post_log",
                    "UI \(body.string("message") ?? ""): \(JSONWriter.string(data, style: .pythonDumps))")
            } else if let message = body.string("message") {
                await log.record(.info, module: "server", function: "post_log", "UI: \(message)")
            } else if let debug = body.string("debug") {
                await log.record(.debug, module: "server", function: "post_log", "UI: \(debug)")
            } else if let error = body.string("error") {
                await log.record(.error, module: "server", function: "post_log", "UI: \(error)")
            }
            return Response(status: .noContent)
        }
    }

    /// `ReqPostLog`.
    private static let postFields = [
        SDNextField("json", .dict, .null), SDNextField("message", .string, .null), SDNextField("debug", .string, .null),
        SDNextField("error", .string, .null),
    ]
}
