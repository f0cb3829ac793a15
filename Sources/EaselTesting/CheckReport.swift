import Testing

/// A compat script's output, as Tests/Compat/compat_checks.py prints it: `ok <name>[ (note)]`,
/// `FAIL <name>: <reason>`, `skip <name>: <why>`, then a summary. Read back by the tests that run the scripts.
public struct CheckReport: Sendable {
    public var passed: Set<String> = []
    public var failed: [String: String] = [:]
    public var unrecognised: [String] = []
    public var finished = false

    public init(_ output: String) {
        for line in output.split(separator: "\n").map(String.init) {
            if let match = line.wholeMatch(of: /ok (.+?)( \(.*\))?/) {
                passed.insert(String(match.1))
            } else if let match = line.wholeMatch(of: /FAIL (.+?): (.*)/) {
                failed[String(match.1)] = String(match.2)
            } else if line.hasPrefix("skip ") {
                continue
            } else if line == "all passed" || line.wholeMatch(of: /\d+ failed/) != nil {
                finished = true
            } else {
                unrecognised.append(line)
            }
        }
    }
}

extension CheckReport {
    /// Records each failed check as a test issue, except those `known` names with the reason they fail, which are
    /// known issues that must still fail: one that passes or did not run is an issue too (its entry is stale).
    public func recordFailures(
        known: [String: String], label: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (name, reason) in failed.sorted(by: { $0.key < $1.key }) {
            if let why = known[name] {
                withKnownIssue("\(why)") { Issue.record("\(name): \(reason)", sourceLocation: sourceLocation) }
            } else {
                Issue.record("\(label): \(name): \(reason)", sourceLocation: sourceLocation)
            }
        }
        for name in known.keys.sorted() where failed[name] == nil {
            Issue.record(
                passed.contains(name) ? "\(name) passes now: delete its known-issue entry" : "\(name) did not run",
                sourceLocation: sourceLocation)
        }
    }
}
