import EaselCore
import Foundation
import Testing

extension JobStoreConformance {
    static func job(_ prompt: String, needs requirements: JobRequirements, priority: Int = 0, at seconds: Double) -> Job {
        Job(
            parameters: GenerationParameters(prompt: prompt), requirements: requirements, priority: priority,
            createdAt: Date(timeIntervalSince1970: seconds))
    }

    static let routingChecks: [Check] = [
        Check(name: "keeps a job's required model and LoRAs") { store in
            let queued = job("a", needs: JobRequirements(model: "alpha [1]", loras: ["Fox", "owl", "fox"]), at: 1)
            try await store.insert(queued)
            let stored = try #require(try await store.job(queued.id))
            #expect(stored == queued && stored.requirements.loras == ["fox", "owl"])
        },
        Check(name: "lists the best queued job of each requirement") { store in
            let alpha = JobRequirements(model: "alpha [1]")
            let alphaFox = JobRequirements(model: "alpha [1]", loras: ["fox"])
            try await store.insert(job("any", needs: .none, at: 1))
            try await store.insert(job("alpha old", needs: alpha, at: 2))
            try await store.insert(job("alpha urgent", needs: alpha, priority: 3, at: 5))
            try await store.insert(job("alpha fox", needs: alphaFox, at: 4))
            try await store.insert(job("beta", needs: JobRequirements(model: "beta [2]"), at: 3))
            let running = job("running", needs: JobRequirements(model: "gamma [3]"), at: 0)
            try await store.insert(running)
            _ = try #require(try await store.claim(running.id, backend: "b", at: Date()))
            let heads = try await store.queueHeads(limit: 10)
            let prompts = try await heads.asyncMap { try await store.job($0.id)?.parameters.prompt ?? "" }
            #expect(Set(prompts) == ["any", "alpha urgent", "alpha fox", "beta"] && prompts.count == 4)
            let urgent = try #require(heads.first { $0.requirements == alpha })
            #expect(urgent.priority == 3 && urgent.createdAt == Date(timeIntervalSince1970: 5))
            let cut = try await store.queueHeads(limit: 2)
            #expect(cut.count == 3 && cut.last?.priority == 3, "the two first requirements, then the claim-order head")
        },
        Check(name: "adds the first job in claim order to heads cut short") { store in
            for (index, model) in ["a", "b", "c", "d"].enumerated() {
                try await store.insert(job(model, needs: JobRequirements(model: "\(model) [1]"), at: Double(10 - index)))
            }
            let heads = try await store.queueHeads(limit: 2)
            let prompts = try await heads.asyncMap { try await store.job($0.id)?.parameters.prompt ?? "" }
            #expect(prompts == ["a", "b", "d"], "d [1] is oldest, so first in claim order")
            #expect(try await store.queueHeads(limit: 4).count == 4)
            #expect(try await store.queueHeads(limit: 3).count == 4)
        },
        Check(name: "claims a chosen job only while it is queued") { store in
            let queued = job("a", needs: JobRequirements(model: "alpha [1]"), at: 1)
            try await store.insert(queued)
            let claimed = try #require(try await store.claim(queued.id, backend: "b", at: Date()))
            #expect(claimed.status == .processing && claimed.backend == "b" && claimed.attempts == 1)
            #expect(try await store.claim(queued.id, backend: "c", at: Date()) == nil)
            #expect(try await store.queueHeads(limit: 10).isEmpty)
            #expect(try await store.claim(JobID(rawValue: "missing"), backend: "c", at: Date()) == nil)
        },
    ]
}

extension Sequence where Element: Sendable {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
