/// A1111's task bookkeeping (`modules/progress.py`): requests wait in `pending`, the one holding the lock is
/// `current`, and the last 16 that finished are `finished`. A request names its task with `force_task_id`,
/// which lets an A1111 client follow it through `/internal/progress`. SD.Next has none of this.
struct TaskRegistry: Sendable {
    private(set) var pending: [String] = []
    private(set) var current: String?
    private(set) var finished: [String] = []

    private static let finishedLimit = 16

    /// `add_task_to_queue`: the request arrived and waits for the lock.
    mutating func enqueue(_ id: String) {
        if !pending.contains(id) { pending.append(id) }
    }

    /// `start_task`: the request holds the lock.
    mutating func start(_ id: String) {
        current = id
        pending.removeAll { $0 == id }
    }

    /// `finish_task`: only called when the request succeeded, as in A1111.
    mutating func finish(_ id: String) {
        if current == id { current = nil }
        finished.append(id)
        if finished.count > Self.finishedLimit { finished.removeFirst(finished.count - Self.finishedLimit) }
    }

    /// A task id as `create_task_id` makes one: `task(<type>-<7 upper-case letters or digits>)`.
    static func makeID(type: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "task(\(type)-\(String((0..<7).map { _ in alphabet.randomElement()! })))"
    }

    /// `GET /internal/pending-tasks`.
    var pendingJSON: JSONValue {
        .object(["size": .int(pending.count), "tasks": .array(pending.map(JSONValue.string))])
    }
}
