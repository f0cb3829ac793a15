import EaselCore
import Foundation
import Logging

/// Ends the queued jobs no backend of the pool can run. A job is accepted while some inventory is unknown (a backend
/// not yet read may have its model or LoRAs); once every inventory is known and none has them it would wait forever,
/// so it fails with `model_unavailable`. Run after each inventory refresh pass; each round reads only the queue's
/// heads (one per requirement), as every queued job of a requirement is equally runnable.
struct UnrunnableJobs {
    let backends: [Backend]
    let service: GenerationService
    let logger: Logger

    /// Returns how many jobs it ended; none while an inventory is unknown.
    @discardableResult
    func end() async throws -> Int {
        let views = backends.map { DispatchPolicy.BackendView(inventory: $0.status.inventory) }
        guard views.allSatisfy({ $0.inventory != nil }) else { return 0 }
        var ended = 0
        while true {
            let heads = try await service.store.queueHeads(limit: DeliveryWorker.maxQueueHeads)
            let unrunnable = heads.filter { head in !views.contains { $0.canRun(head.requirements) } }
            guard !unrunnable.isEmpty else { return ended }
            let endedBefore = ended
            for head in unrunnable {
                let failure = JobFailure(.modelUnavailable, "No backend of the pool has \(Self.needs(head.requirements))")
                if try await service.finisher.end(head.id, from: .queued, with: .failed(failure), progress: nil) != nil {
                    ended += 1
                    logger.warning("queued job ended: no backend can run it", metadata: [
                        "job": "\(head.id.rawValue)", "needs": "\(Self.needs(head.requirements))",
                    ])
                }
            }
            // None could be ended (each left the queue meanwhile): the next read may show the same heads.
            if ended == endedBefore { return ended }
        }
    }

    /// "the checkpoint "x", the LoRA "y"".
    static func needs(_ requirements: JobRequirements) -> String {
        ([requirements.model.map { "the checkpoint \"\($0)\"" }].compactMap { $0 }
            + requirements.loras.map { "the LoRA \"\($0)\"" }).joined(separator: ", ")
    }
}
