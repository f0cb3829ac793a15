import EaselTesting
import Foundation
import Testing

/// Every bad socket and REST input gets a clear error and nothing breaks.
@Suite(.timeLimit(.minutes(2))) struct BadInputTests {
    @Test func badSocketMessagesGetAnErrorAndTheConnectionStaysOpen() async throws {
        try await withHub(backends: []) { hub in
            try await withSocket(hub) { socket in
                let cases: [(String, String)] = [
                    ("{not json", "invalid_json"),
                    ("[1,2,3]", "invalid_message"),
                    (#"{"type":"dance"}"#, "unknown_type"),
                    (#"{"type":"subscribe","job_ids":[1,2]}"#, "invalid_job_ids"),
                    (#"{"type":"subscribe","job_ids":"abc"}"#, "invalid_job_ids"),
                    (#"{"type":"subscribe","job_ids":["no-such-job"]}"#, "unknown_jobs"),
                ]
                for (text, code) in cases {
                    try await socket.send(text)
                    let error = try await socket.next("error")
                    #expect(error["data"]?["code"]?.string == code, "for \(text)")
                    #expect(error["data"]?["message"]?.string?.isEmpty == false)
                }
                try await socket.sendBinary([1, 2, 3])
                #expect(try await socket.next("error")["data"]?["code"]?.string == "unsupported_frame")
                try await socket.send(#"{"type":"ping","data":{"n":1}}"#)
                let pong = try await socket.next("pong")
                #expect(pong["data"]?["echo"]?["n"]?.int == 1)
                try await socket.send(#"{"type":"unsubscribe","job_ids":null}"#)
                #expect(try await socket.next("unsubscription_confirmed")["data"]?["job_ids"]?.isNull == true)
            }
        }
    }

    @Test func anOversizedMessageClosesTheSocketWithMessageTooBig() async throws {
        try await withHub(backends: []) { hub in
            let close = try await withSocket(hub) { socket in
                try await socket.send(#"{"type":"ping","data":""# + String(repeating: "x", count: 100_000) + #""}"#)
                while (try? await socket.next()) != nil {}
            }
            #expect(close?.closeCode == .messageTooLarge)
        }
    }

    @Test func aPlainRequestToTheSocketPathIsToldToUpgrade() async throws {
        try await withHub(backends: []) { hub in
            for path in ["/api/v1/ws/progress", "/v1/ws/progress"] {
                let (status, body) = try await hub.request(.GET, path)
                #expect(status == 426)
                #expect(body["title"]?.string?.contains("WebSocket") == true)
            }
        }
    }

    @Test func badRESTInputGets422NamingTheFieldOr404() async throws {
        try await withHub(backends: []) { hub in
            let bodies: [(String, String, String)] = [
                (#"{"prompt":"x","steps":0}"#, "", "steps"),
                (#"{"prompt":"x","width":100}"#, "", "width"),
                (#"{"prompt":"x","cfg_scale":99}"#, "", "cfg_scale"),
                (#"{"prompt":"x","batch_size":50}"#, "", "batch_size"),
                (#"{"prompt":"x","n_iter":100}"#, "", "n_iter"),
                (#"{"prompt":""}"#, "", "prompt"),
                (#"{"steps":20}"#, "", "prompt"),
                (#"{"prompt":"x","steps":"many"}"#, "", "steps"),
                (#"[]"#, "", "body"),
                ("not json", "", "body"),
                (#"{"prompt":"x"}"#, "?return_format=zip", "return_format"),
                (#"{"prompt":"x"}"#, "?priority=high", "priority"),
                (#"{"prompt":"x"}"#, "?backend=comfy", "backend"),
            ]
            for (body, query, field) in bodies {
                let (status, answer) = try await hub.request(.POST, "/api/v1/generation/queue-generation\(query)", json: body)
                #expect(status == 422, "\(body) \(query)")
                #expect(answer["field"]?.string == field, "\(body) \(query): \(answer)")
                #expect(answer["detail"]?[0]?["loc"]?[1]?.string == field)
            }
            #expect(try await hub.request(.GET, "/api/v1/generation/jobs/active").body.array?.isEmpty == true)
            let missing = try await hub.request(.GET, "/api/v1/generation/jobs/0b6f0a34-0000-0000-0000-000000000000")
            #expect(missing.status == 404 && missing.body["title"]?.string == "Job not found")
            #expect(try await hub.request(.GET, "/api/v1/generation/results/nope/download").status == 404)
            #expect(try await hub.request(.DELETE, "/api/v1/generation/results/nope").status == 404)
            #expect(try await hub.request(.GET, "/api/v1/generation/jobs/active?limit=0").status == 422)
            let unknown = try await hub.request(.GET, "/api/v1/no/such/route")
            #expect(unknown.status == 404 && unknown.body["detail"]?.string == "Not Found")
        }
    }
}
