import DynamicJSON
import Synchronization
import Testing

@testable import EaselGateway

/// The union rule and the listing cache on their own.
struct JSONUnionTests {
    func object(_ members: [String: JSONValue]) -> JSONValue { .object(members) }

    @Test func listsKeepEachIdentityOnceWithTheFirstBackendsEntry() {
        let first: JSONValue = .array([object(["title": .string("a"), "hash": .string("1")]), object(["title": .string("b")])])
        let second: JSONValue = .array([object(["title": .string("a"), "hash": .string("2")]), object(["title": .string("c")])])
        #expect(JSONUnion(identity: ["title"]).merge([first, second]) == .array([
            object(["title": .string("a"), "hash": .string("1")]), object(["title": .string("b")]), object(["title": .string("c")]),
        ]))
        #expect(JSONUnion().merge([.array([.string("x"), .string("y")]), .array([.string("y"), .string("z")])])
            == .array([.string("x"), .string("y"), .string("z")]))
        #expect(JSONUnion(keepsEveryEntry: true).merge([.array([.string("gpu")]), .array([.string("gpu")])])
            == .array([.string("gpu"), .string("gpu")]))
    }

    @Test func objectsMergePerKeyAndPlainValuesComeFromTheFirst() {
        let first = object(["txt2img": .array([.string("XYZ Grid")]), "port": .number(1), "nested": object(["a": .number(1)])])
        let second = object(["txt2img": .array([.string("Other")]), "port": .number(2), "nested": object(["b": .number(2)]), "extra": .bool(true)])
        #expect(JSONUnion().merge([first, second]) == object([
            "txt2img": .array([.string("XYZ Grid"), .string("Other")]), "port": .number(1),
            "nested": object(["a": .number(1), "b": .number(2)]), "extra": .bool(true),
        ]))
        #expect(JSONUnion().merge([.string("motd one"), .string("motd two")]) == .string("motd one"))
    }

    @Test func extraNetworkDetailsArePagedOverThePoolsMatches() {
        func network(_ type: String, _ name: String, _ size: Int) -> JSONValue {
            .object(["type": .string(type), "name": .string(name), "size": .number(Double(size))])
        }
        let first: JSONValue = .object(["items": .array([network("lora", "fox", 1), network("model", "fox", 2)]), "total": .number(2)])
        let second: JSONValue = .object(["items": .array([network("lora", "fox", 3), network("lora", "owl", 4)]), "total": .number(2)])
        let matched = PoolListings.detailItems([first, second])
        #expect(matched == [network("lora", "fox", 1), network("model", "fox", 2), network("lora", "owl", 4)])
        #expect(PoolListings.page(matched, offset: 1, limit: 1) == .object([
            "items": .array([network("model", "fox", 2)]), "total": .number(3), "offset": .number(1), "limit": .number(1),
        ]))
        #expect(PoolListings.page(matched, offset: 5, limit: 50)["items"] == .array([]))
    }

    @Test func theCacheFetchesOnceForConcurrentAndRepeatedCallsUntilCleared() async throws {
        let cache = ListingCache(lifetime: .seconds(60))
        let fetches = Atomic<Int>(0)
        let fetch: @Sendable () async throws -> JSONValue = {
            .number(Double(fetches.add(1, ordering: .relaxed).newValue))
        }
        let answers = try await withThrowingTaskGroup(of: JSONValue.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.value(for: "/sdapi/v1/samplers", fetch: fetch) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: .number(1), count: 8) && fetches.load(ordering: .relaxed) == 1)
        await cache.removeAll()
        #expect(try await cache.value(for: "/sdapi/v1/samplers", fetch: fetch) == .number(2))
        #expect(try await cache.value(for: "/sdapi/v1/loras", fetch: fetch) == .number(3))
    }

    @Test func theCacheKeepsNoFailure() async throws {
        let cache = ListingCache()
        struct Down: Error {}
        await #expect(throws: Down.self) { try await cache.value(for: "k") { throw Down() } }
        #expect(try await cache.value(for: "k") { .bool(true) } == .bool(true))
    }
}
