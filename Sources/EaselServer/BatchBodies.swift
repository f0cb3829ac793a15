import DynamicJSON
import EaselCore

/// A batch's submit bodies: `jobs` (a list of REST bodies), or `base` (one body) and `vary` (lists of `seed`,
/// `prompt` and `model`), whose cartesian product is the batch, seeds varying fastest. Checked against the size
/// limit before a body is built.
enum BatchBodies {
    static let varied = ["model", "prompt", "seed"]

    static func expand(_ fields: [String: JSONValue], maxSize: Int) throws -> [(body: JSONValue, field: String)] {
        if let jobs = fields["jobs"] {
            guard fields["base"] == nil, fields["vary"] == nil else {
                throw QueueRequestError(.invalidRequest, "give either jobs, or base and vary", field: "jobs")
            }
            guard case .array(let bodies) = jobs, !bodies.isEmpty else {
                throw QueueRequestError(.invalidRequest, "must be a non-empty list of submit bodies", field: "jobs")
            }
            try check(bodies.count, maxSize: maxSize, field: "jobs")
            return bodies.enumerated().map { ($1, "jobs.\($0)") }
        }
        guard case .object(let base)? = fields["base"] else {
            throw QueueRequestError(.invalidRequest, "give jobs (a list of submit bodies), or base (a submit body) and vary", field: "jobs")
        }
        guard case .object(let vary)? = fields["vary"], !vary.isEmpty else {
            throw QueueRequestError(.invalidRequest, "must be an object of lists: seed, prompt, model", field: "vary")
        }
        var lists: [(key: String, values: [JSONValue])] = []
        for (key, value) in vary.sorted(by: { $0.key < $1.key }) {
            guard varied.contains(key) else {
                throw QueueRequestError(.invalidRequest, "only seed, prompt and model can vary", field: "vary.\(key)")
            }
            guard case .array(let values) = value, !values.isEmpty, values.allSatisfy({ fits($0, key) }) else {
                let kind = key == "seed" ? "integers" : "strings"
                throw QueueRequestError(.invalidRequest, "must be a non-empty list of \(kind)", field: "vary.\(key)")
            }
            lists.append((key, values))
        }
        let size = lists.reduce(1) { product, list in
            let (next, overflow) = product.multipliedReportingOverflow(by: list.values.count)
            return overflow ? .max : next
        }
        try check(size, maxSize: maxSize, field: "vary")
        var bodies: [[String: JSONValue]] = [base]
        for list in lists {
            bodies = bodies.flatMap { body in list.values.map { value in body.merging([list.key: value]) { $1 } } }
        }
        return bodies.map { (.object($0), "base") }
    }

    private static func fits(_ value: JSONValue, _ key: String) -> Bool {
        switch (key, value) {
        case ("seed", .number(let number)): number == number.rounded()
        case ("prompt", .string), ("model", .string): true
        default: false
        }
    }

    private static func check(_ size: Int, maxSize: Int, field: String) throws {
        guard size <= maxSize else {
            throw QueueRequestError(.batchTooLarge, "a batch holds at most \(maxSize) jobs; this one has \(size)", field: field)
        }
    }
}
