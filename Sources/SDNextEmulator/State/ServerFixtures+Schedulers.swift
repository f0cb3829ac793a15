/// `GET /sdapi/v1/schedulers` at the reference commit: `get_schedulers` lists every `SamplerData` row,
/// and the first (`Default`) has no constructor, so its `cls` is None, which the declared response
/// model (`ItemScheduler.cls: str`) rejects. FastAPI raises `ResponseValidationError` after the handler;
/// SD.Next's middleware renders it with `handle_exception`: 500, `detail` and `code` defaulted, `body`
/// the rejected list, `errors` the exception's text. The other rows' `cls` is `<lambda>`, because each
/// constructor is a lambda. So the route never lists anything; the emulator fails the same way.
extension APIError {
    static let schedulersResponseValidation: APIError = {
        let rows: [JSONValue] = (["Default"] + ModelCatalog.samplerNames).map { name in
            .object(["name": .string(name), "cls": name == "Default" ? .null : "<lambda>", "options": .object([:])])
        }
        let error = "{'type': 'string_type', 'loc': ('response', 0, 'cls'), 'msg': 'Input should be a valid string', 'input': None}"
        let message = """
            1 validation error:
              \(error)

              File "/app/modules/api/endpoints.py", line 209, in get_schedulers
            """
        return APIError(
            status: .internalServerError,
            body: .object([
                "error": "ResponseValidationError", "code": 500, "detail": "", "body": .array(rows), "errors": .string(message),
            ]))
    }()
}
