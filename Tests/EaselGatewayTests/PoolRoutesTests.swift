import DynamicJSON
import EaselTesting
import Foundation
import SDNext
import Testing

/// The gateway's pool routes over HTTP against a hub on emulators with different catalogues: listings are the
/// union of the pool, in SD.Next's shapes.
@Suite(.timeLimit(.minutes(1))) struct PoolRoutesTests {
    static let catalogues: [(models: [String], loras: [String])] = [
        (["alpha-xl", "beta"], ["fox"]), (["beta", "gamma"], ["owl", "fox"]), (["delta"], []),
    ]

    @Test func listingsAreTheUnionOfThePoolKeepingTheFirstBackendsEntry() async throws {
        try await withPool(Self.catalogues) { emulators, hub in
            let (status, models) = try await hub.request(.GET, "/sdapi/v1/sd-models")
            #expect(status == 200)
            var expected: [JSONValue] = []
            for emulator in emulators {
                for entry in try await direct(emulator, "/sdapi/v1/sd-models").array ?? []
                where !expected.contains(where: { $0["title"] == entry["title"] }) {
                    expected.append(entry)
                }
            }
            #expect(models == .array(expected))
            #expect(Set(expected.compactMap { $0["model_name"]?.string }) == ["alpha-xl", "beta", "gamma", "delta"])

            let loras = try #require(try await hub.request(.GET, "/sdapi/v1/loras").body.array)
            #expect(loras.compactMap { $0["name"]?.string } == ["fox", "owl"])
            #expect(loras.first == (try await direct(emulators[0], "/sdapi/v1/loras").array?.first))

            // Lists every backend has alike come back as one backend's.
            for path in ["/sdapi/v1/samplers", "/sdapi/v1/upscalers", "/sdapi/v1/sd-vae", "/sdapi/v1/prompt-styles", "/sdapi/v1/scripts"] {
                #expect(try await hub.request(.GET, path).body == (try await direct(emulators[0], path)), "\(path)")
            }

            let networks = try #require(try await hub.request(.GET, "/sdapi/v1/extra-networks").body.array)
            let names = networks.compactMap { entry in entry["name"]?.string.map { "\(entry["type"]?.string ?? ""):\($0)" } }
            #expect(Set(names).count == names.count)
            #expect(Set(names).isSuperset(of: ["model:alpha-xl", "model:gamma", "model:delta", "lora:fox", "lora:owl"]))
            // The emulator has no `extra-network-details`: SD.Next's answer for a route it lacks comes back as it is.
            let details = try await hub.request(.GET, "/sdapi/v1/extra-network-details?page=lora&offset=1&limit=5")
            #expect(details.status == 404 && details.body == .object(["detail": .string("Not Found")]))

            // SD.Next fails its own `schedulers` at this commit (500): with no backend answering, its refusal comes back.
            let schedulers = try await hub.request(.GET, "/sdapi/v1/schedulers")
            let refused = try await #require(throws: SDNextError.self) { try await direct(emulators[0], "/sdapi/v1/schedulers") }
            #expect(schedulers.status == 500 && refused.status == 500)
            #expect(schedulers.body == (try JSONDecoder().decode(JSONValue.self, from: Data((refused.body ?? "").utf8))))

            // A dict: each key once, a plain value from the first backend.
            let flags = try await hub.request(.GET, "/sdapi/v1/cmd-flags").body
            #expect(flags["port"] == (try await direct(emulators[0], "/sdapi/v1/cmd-flags"))["port"])

            let optionsInfo = try await hub.request(.GET, "/sdapi/v1/options-info").body
            let firstInfo = try await direct(emulators[0], "/sdapi/v1/options-info")
            let optionKeys = Set(try #require(optionsInfo["options"]?.objectValue).keys)
            let firstKeys = Set(try #require(firstInfo["options"]?.objectValue).keys)
            #expect(!optionKeys.isEmpty && optionKeys == firstKeys)

            // A lookup of one named thing answers from the backend that has it.
            let owl = try await hub.request(.GET, "/sdapi/v1/lora?lora=owl")
            let owlThere = try await direct(emulators[1], "/sdapi/v1/lora?lora=owl")
            #expect(owl.status == 200 && owl.body == owlThere)
            let missing = try await hub.request(.GET, "/sdapi/v1/lora?lora=nobody")
            #expect(missing.status == 404 && missing.body["detail"]?.string == "Lora 'nobody' not found")
        }
    }

    @Test func aBackendThatIsDownLeavesTheUnionOfTheOthers() async throws {
        try await withPool(Array(Self.catalogues.prefix(2)), extraBackends: [deadBackend]) { emulators, hub in
            let titles = try #require(try await hub.request(.GET, "/sdapi/v1/sd-models").body.array).compactMap { $0["model_name"]?.string }
            #expect(titles == ["alpha-xl", "beta", "gamma"])
            let version = try await hub.request(.GET, "/sdapi/v1/version").body
            let dead = try #require(version["backends"]?.array?.first { $0["url"]?.string == deadBackend })
            #expect(dead["error"]?.string != nil)
        }
    }

    @Test func aPoolWithNoHealthyBackendAnswersSDNextShaped503() async throws {
        try await withHub(backends: [deadBackend]) { hub in
            try await waitUntil("the dead backend checked") {
                try await hub.request(.GET, "/api/v1/generation/backends").body["backends"]?.array?.first?["healthy"] == .bool(false)
            }
            let (status, body) = try await hub.request(.GET, "/sdapi/v1/samplers")
            #expect(status == 503)
            #expect(body["error"]?.string == "HTTPException" && body["code"]?.int == 503 && body["body"]?.string == "")
            #expect(body["detail"]?.string == "No healthy SD.Next backend in Easel's pool to answer /sdapi/v1/samplers")
            #expect(body["errors"]?.string == "503: " + (body["detail"]?.string ?? ""))
        }
    }

    @Test func versionPlatformAndMemorySayEaselAndListTheBackends() async throws {
        try await withPool(Array(Self.catalogues.prefix(2))) { emulators, hub in
            let version = try await hub.request(.GET, "/sdapi/v1/version").body
            let sdnext = try await direct(emulators[0], "/sdapi/v1/version")
            #expect(version["app"]?.string == "easel" && version["version"]?.string != nil)
            #expect(version["updated"] == sdnext["updated"] && version["commit"] == sdnext["commit"])
            let backends = try #require(version["backends"]?.array)
            #expect(backends.compactMap { $0["url"]?.string } == emulators.map(\.baseURL))
            #expect(backends.allSatisfy { $0["app"]?.string == "sd.next" && $0["flavor"]?.string == "sdnext" })

            let platform = try await hub.request(.GET, "/sdapi/v1/platform").body
            #expect(platform["app"]?.string == "easel")
            #expect(platform["torch"] == (try await direct(emulators[0], "/sdapi/v1/platform"))["torch"])
            #expect(platform["backends"]?.array?.count == 2)

            let memory = try await hub.request(.GET, "/sdapi/v1/memory").body
            let used = try #require(memory["ram"]?["used"]?.double)
            let total = try #require(memory["ram"]?["total"]?.double)
            #expect(used > 0 && used < total && memory["ram"]?["free"]?.double == total - used)
            #expect(memory["cuda"]?["error"]?.string == "unavailable")
            let perBackend = try #require(memory["backends"]?.array)
            #expect(perBackend.count == 2 && perBackend.allSatisfy { $0["ram"]?["total"] != nil && $0["url"]?.string != nil })
        }
    }
}
