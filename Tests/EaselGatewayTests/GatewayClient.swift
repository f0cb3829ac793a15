import AsyncHTTPClient
import DynamicJSON
import EaselTesting
import Foundation
import NIOCore
import NIOHTTP1

/// An SD.Next client's view of a running hub: JSON in, status, headers and JSON out.
struct GatewayClient: Sendable {
    let hub: TestHub

    struct Answer: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: JSONValue
        var jobID: String? { headers.first(name: "x-easel-job-id") }
    }

    func call(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: hub.baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let json = data.isEmpty ? JSONValue.null : try JSONDecoder().decode(JSONValue.self, from: data)
        return Answer(status: Int(response.status.code), headers: response.headers, body: json)
    }

    func post(_ path: String, _ json: String) async throws -> Answer { try await call(.POST, path, body: json) }

    func get(_ path: String) async throws -> Answer { try await call(.GET, path) }
}

extension JSONValue {
    /// `info` as SD.Next sends it: a JSON document inside a string.
    var infoDocument: JSONValue? {
        guard let text = self["info"]?.string, !text.isEmpty else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
