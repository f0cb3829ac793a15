import EaselCore

/// Each queued job's place in line and when it is expected to start, as a pure function of the queue (in claim
/// order), which backends can run each job, what the busy backends still have to do, and each backend's measured
/// seconds per step. Why pure: the figures are recomputed every second for up to thousands of jobs, and what "ahead
/// of" means with backends that can run different jobs is easiest to get right, and to test, without I/O.
///
/// - `position` (1-based): 1 + the queued jobs ahead of it in claim order that could take one of its backends (whose
///   sets of able backends meet its own). A job no backend can run now counts only the jobs ahead with the same
///   problem.
/// - `etaSeconds`: seconds until the job is expected to **start**: the queue is played forward in claim order, each
///   job on the able backend that frees first (a busy backend after its job's remaining steps), taking its steps ×
///   that backend's seconds per step. nil when no backend can run it, or when the queue is paused.
public enum QueueForecast {
    public struct Queued: Sendable, Equatable {
        public var id: JobID
        /// The backends that can run it now (healthy, taking jobs, with its model and LoRAs).
        public var backends: Set<String>
        /// Sampling steps of the whole job.
        public var steps: Int

        public init(id: JobID, backends: Set<String>, steps: Int) {
            self.id = id
            self.backends = backends
            self.steps = steps
        }
    }

    public struct Figures: Sendable, Equatable {
        public var position: Int
        public var etaSeconds: Double?

        public init(position: Int, etaSeconds: Double?) {
            self.position = position
            self.etaSeconds = etaSeconds
        }
    }

    /// `queued` in claim order; `remainingSteps` of each busy backend's job; `secondsPerStep` per backend.
    public static func figures(
        queued: [Queued], remainingSteps: [String: Int], secondsPerStep: (String) -> Double, paused: Bool = false
    ) -> [JobID: Figures] {
        var groups: [Set<String>: Int] = [:]
        var groupSets: [Set<String>] = []
        var counts: [Int] = []
        var meets: [[Bool]] = []
        var freeAt: [String: Double] = [:]
        var figures: [JobID: Figures] = [:]
        figures.reserveCapacity(queued.count)
        for job in queued {
            let group: Int
            if let known = groups[job.backends] {
                group = known
            } else {
                group = groupSets.count
                groups[job.backends] = group
                let row = groupSets.map { Self.meet(job.backends, $0) }
                for index in meets.indices { meets[index].append(row[index]) }
                meets.append(row + [true])
                groupSets.append(job.backends)
                counts.append(0)
            }
            let ahead = counts.indices.reduce(0) { $0 + (meets[group][$1] ? counts[$1] : 0) }
            counts[group] += 1
            var eta: Double?
            if !paused, let backend = earliest(job.backends, freeAt: &freeAt, remainingSteps: remainingSteps, secondsPerStep: secondsPerStep) {
                eta = backend.start
                freeAt[backend.id] = backend.start + Double(job.steps) * secondsPerStep(backend.id)
            }
            figures[job.id] = Figures(position: ahead + 1, etaSeconds: eta)
        }
        return figures
    }

    /// Two sets of able backends compete when they share a backend; jobs no backend can run wait together.
    private static func meet(_ a: Set<String>, _ b: Set<String>) -> Bool {
        a.isEmpty || b.isEmpty ? a.isEmpty && b.isEmpty : !a.isDisjoint(with: b)
    }

    /// The able backend that frees first (by name on a tie), and when.
    private static func earliest(
        _ backends: Set<String>, freeAt: inout [String: Double], remainingSteps: [String: Int], secondsPerStep: (String) -> Double
    ) -> (id: String, start: Double)? {
        var best: (id: String, start: Double)?
        for backend in backends {
            let start = freeAt[backend] ?? Double(remainingSteps[backend] ?? 0) * secondsPerStep(backend)
            freeAt[backend] = start
            if best.map({ start < $0.start || (start == $0.start && backend < $0.id) }) ?? true { best = (backend, start) }
        }
        return best
    }
}
