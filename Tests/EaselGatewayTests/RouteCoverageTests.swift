import DynamicJSON
import Foundation
import EaselTesting
import Testing

@testable import EaselGateway

/// Every route SD.Next registers is answered by the gateway (none falls through to the 404 of a path SD.Next lacks),
/// and the gateway adds none SD.Next does not have.
@Suite(.timeLimit(.minutes(1))) struct RouteCoverageTests {
    @Test func everySDNextRouteIsAnsweredAndAnotherMethodIs405() async throws {
        try await withHub(backends: [deadBackend]) { hub in
            // A generation queues a job, which waits for a backend: the generation suites call those.
            for (path, methods) in SDNextRoutes.methods where !["txt2img", "img2img", "control"].contains(path) {
                let concrete = "/sdapi/v1/" + path.replacingOccurrences(of: "{name}", with: "x")
                for method in methods {
                    let (status, body) = try await hub.request(.init(rawValue: method.rawValue), concrete, json: "{}")
                    #expect(!(status == 404 && body == .object(["detail": .string("Not Found")])), "\(method) \(concrete)")
                }
            }
            let wrong = try await hub.raw(.GET, "/sdapi/v1/txt2img")
            #expect(wrong.status == 405)
            #expect(try JSONDecoder().decode(JSONValue.self, from: wrong.data) == .object(["detail": .string("Method Not Allowed")]))
        }
    }

    @Test func theGatewayOwnRoutesAreSDNexts() {
        let methods = SDNextRoutes.methods
        for listing in PoolListing.all {
            #expect(methods[listing.path]?.contains(.get) == true, "\(listing.path)")
        }
        for refusal in PoolRefusals.all {
            #expect(methods[refusal.path]?.contains(refusal.method) == true, "\(refusal.method) \(refusal.path)")
        }
    }
}
