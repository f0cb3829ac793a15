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
