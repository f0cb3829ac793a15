import EaselCore
import Foundation

/// Which queued job a free backend takes, as a pure value: candidates (the queue's head per requirement) in, one job
/// out. A backend never takes a job whose model or LoRAs it lacks. It prefers a job that needs no model switch (its
/// model is loaded there, or it names none); it takes one that needs a switch when no other free backend has that
/// model loaded. A job that needs a switch still beats the no-switch jobs when it has a higher priority or has
/// waited `patience`, so a busy model cannot starve another. With `modelAware` off the backend takes the first job
/// in line that it can run (plain FIFO, for comparison): switches are then as frequent as the queue's mix makes them.
/// Either way a job retried after a transient failure goes to a free backend it has not failed on, when there is one.
public struct DispatchPolicy: Sendable, Equatable {
    public var modelAware = true
    /// How long a job that needs a switch waits behind no-switch jobs at most. Default 30 s.
    public var patience: Duration = .seconds(30)

    public init(modelAware: Bool = true, patience: Duration = .seconds(30)) {
        self.modelAware = modelAware
        self.patience = patience
    }

    /// What the policy knows of a backend.
    public struct BackendView: Sendable, Equatable {
        /// nil until its inventory was read: it then runs only jobs that need nothing.
        public var inventory: BackendInventory?
        /// Its URL, as a job's `failedBackends` names it.
        public var url: String?

        public init(inventory: BackendInventory?, url: String? = nil) {
            self.inventory = inventory
            self.url = url
        }

        public func canRun(_ requirements: JobRequirements) -> Bool {
            guard let inventory else { return requirements == .none }
            if let model = requirements.model, inventory.checkpoint(matching: model) == nil { return false }
            return requirements.loras.allSatisfy(inventory.hasLoRA)
        }

        /// Whether the job runs without loading another model first.
        public func runsWithoutSwitch(_ requirements: JobRequirements) -> Bool {
            guard let model = requirements.model else { return true }
            return inventory?.isLoaded(model) == true
        }
    }

    /// The job `backend` should claim among `heads`, or nil when it should leave them all: none it can run, or
    /// only ones another free backend (`others`) runs without a switch.
    /// A job that failed on this backend is left to another free backend that can run it and has not failed it.
    public func choose(from heads: [QueueHead], for backend: BackendView, others: [BackendView], at now: Date) -> QueueHead? {
        let runnable = heads.filter { backend.canRun($0.requirements) && !Self.leavesRetry($0, from: backend, to: others) }
        guard modelAware else { return runnable.min(by: Self.runsBefore) }
        let (noSwitch, switching) = (runnable.filter { backend.runsWithoutSwitch($0.requirements) },
                                     runnable.filter { !backend.runsWithoutSwitch($0.requirements) })
        let best = noSwitch.min(by: Self.runsBefore)
        let urgent = switching.filter { head in
            if waited(head, at: now) { return true }
            let loadedElsewhere = others.contains { $0.canRun(head.requirements) && $0.runsWithoutSwitch(head.requirements) }
            guard !loadedElsewhere else { return false }
            return best.map { head.priority > $0.priority } ?? true
        }
        return (urgent + (best.map { [$0] } ?? [])).min(by: Self.runsBefore)
    }

    /// Whether `heads` hold a job one of the free backends `others` can run, after `choose` gave this backend none:
    /// the caller then makes sure one of them is awake to take it.
    public func leavesWork(in heads: [QueueHead], to others: [BackendView]) -> Bool {
        heads.contains { head in others.contains { $0.canRun(head.requirements) } }
    }

    /// Whether `backend` failed `head` before while one of `others` can run it and has not.
    static func leavesRetry(_ head: QueueHead, from backend: BackendView, to others: [BackendView]) -> Bool {
        func failed(_ view: BackendView) -> Bool { view.url.map(head.failedBackends.contains) ?? false }
        return failed(backend) && others.contains { $0.canRun(head.requirements) && !failed($0) }
    }

    private func waited(_ head: QueueHead, at now: Date) -> Bool {
        now.timeIntervalSince(head.createdAt) >= Double(patience.components.seconds) + Double(patience.components.attoseconds) / 1e18
    }

    /// Claim order: higher priority first, then the lower queue order key (`QueueHead.runsBefore`).
    static func runsBefore(_ a: QueueHead, _ b: QueueHead) -> Bool { QueueHead.runsBefore(a, b) }
}
