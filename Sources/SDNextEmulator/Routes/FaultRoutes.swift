import Hummingbird

/// `GET|POST|DELETE /emulator/faults`: read, merge into, or clear the active faults at run time.
/// Outside `/sdapi`, without auth, and exempt from every fault so it always answers.
struct FaultRoutes: Sendable {
    typealias Context = EmulatorRequestContext

    let controls: EmulatorControls

    func register(on router: Router<Context>) {
        router.get("/emulator/faults") { _, _ in
            Response.json(Self.json(await controls.faults))
        }
        router.post("/emulator/faults") { request, context in
            var request = request
            guard let body = try await request.jsonBody(context: context).objectValue else {
                throw APIError.validation([
                    ValidationIssue(type: "dict_type", loc: ["body"], msg: "Input should be a valid dictionary", input: .null)
                ])
            }
            let merged = try Self.merge(body, into: await controls.faults)
            await controls.setFaults(merged)
            return Response.json(Self.json(merged))
        }
        router.delete("/emulator/faults") { _, _ in
            await controls.setFaults(FaultSettings())
            return Response.json(Self.json(FaultSettings()))
        }
    }

    static func json(_ faults: FaultSettings) -> JSONValue {
        .object([
            "serverError": .bool(faults.serverError), "emptyImages": .bool(faults.emptyImages), "hang": .bool(faults.hang),
            "responseDelayMs": .int(faults.responseDelayMs), "dropConnection": .bool(faults.dropConnection),
            "progressFailure": .bool(faults.progressFailure), "rateLimited": .bool(faults.rateLimited),
            "exitProcess": .bool(faults.exitProcess), "errorMessage": .string(faults.errorMessage),
        ])
    }

    /// Applies the keys present in `body`; unknown keys are rejected so typos do not go unnoticed.
    static func merge(_ body: JSONObject, into current: FaultSettings) throws -> FaultSettings {
        var faults = current
        var issues: [ValidationIssue] = []
        for (key, value) in body.entries {
            func flag(_ apply: (Bool) -> Void) {
                if let flag = value.boolValue { apply(flag) } else { issues.append(typeIssue(key, value, "bool_type")) }
            }
            switch key {
            case "serverError": flag { faults.serverError = $0 }
            case "emptyImages": flag { faults.emptyImages = $0 }
            case "hang": flag { faults.hang = $0 }
            case "dropConnection": flag { faults.dropConnection = $0 }
            case "progressFailure": flag { faults.progressFailure = $0 }
            case "rateLimited": flag { faults.rateLimited = $0 }
            case "exitProcess": flag { faults.exitProcess = $0 }
            case "responseDelayMs":
                if let delay = value.intValue, delay >= 0 {
                    faults.responseDelayMs = delay
                } else {
                    issues.append(typeIssue(key, value, "int_type"))
                }
            case "errorMessage":
                if let message = value.stringValue {
                    faults.errorMessage = message
                } else {
                    issues.append(typeIssue(key, value, "string_type"))
                }
            default:
                issues.append(ValidationIssue(type: "extra_forbidden", loc: ["body", .string(key)], msg: "Unknown fault", input: value))
            }
        }
        if !issues.isEmpty { throw APIError.validation(issues) }
        return faults
    }

    private static func typeIssue(_ key: String, _ value: JSONValue, _ type: String) -> ValidationIssue {
        ValidationIssue(type: type, loc: ["body", .string(key)], msg: "Invalid value for \(key)", input: value)
    }
}
