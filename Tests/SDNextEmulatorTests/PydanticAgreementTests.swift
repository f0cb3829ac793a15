import Foundation
import EaselTesting
import SDNextModels
import Testing

@testable import SDNextEmulator

/// The shared coercions (`SDNextFieldType.coerce` in SDNextModels, which Easel checks further fields with) against
/// pydantic's own, as the emulator answers with them: every field type × a spread of JSON values is validated by
/// pydantic v2 in a child python3 (`Tests/Compat/pydantic_coercions.py`) and by `SDNextField.validate`, and both
/// must accept the same values, coerce them alike (an int stays an int, a float a float), and refuse the others
/// for the same reasons (type, message, input, context) at the same places.
@Suite(.timeLimit(.minutes(1))) struct PydanticAgreementTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Compat/pydantic_coercions.py")
    /// CI installs pydantic (`.ci/run`); elsewhere the check runs when it is there.
    static let enabled =
        ProcessInfo.processInfo.environment["EASEL_REQUIRE_CLIENT_TOOLS"] == "1"
        || (try? run(["-c", "import pydantic"])) != nil

    static let types: [(String, SDNextFieldType)] = [
        ("string", .string), ("stringList", .stringList), ("imageList", .imageList), ("int", .int),
        ("intOrString", .intOrString), ("float", .float), ("bool", .bool), ("list", .list), ("dict", .dict),
        ("any", .any),
    ]
    static let values: [JSONValue] = [
        .int(20), .double(20.0), .double(20.5), .int(-1), .int(0), .int(1), .int(2), .double(1e20), .double(1.0),
        .string("20"), .string(" 20 "), .string("20.0"), .string(" 7.00 "), .string("2."), .string("1_000"), .string("1__0"), .string("+5"),
        .string("2e1"), .string("abc"), .string(""),
        .string("yes"), .string("on"), .string("off"), .string("t"), .string("TRUE"), .string("0"), .string("1.5"),
        .bool(true), .bool(false), .null, .array([.int(1)]), .array([.string("a"), .int(2)]),
        .array([.string("a")]), .object(["a": .int(1)]),
    ]

    @Test(.enabled(if: enabled, "python3 with pydantic (pip install pydantic)"))
    func coercionsAgreeWithPydantic() throws {
        let cases = Self.types.flatMap { name, _ in
            Self.values.map { value in JSONValue.object(["type": .string(name), "value": value]) }
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("pydantic-cases-\(UUID()).json")
        try Data(JSONWriter.bytes(.array(cases))).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let output = try Self.run([Self.script.path, input.path])
        let verdicts = try #require(try JSONValue.parse(Array(output.utf8)).arrayValue)
        try #require(verdicts.count == cases.count)

        var index = 0
        for (name, type) in Self.types {
            for value in Self.values {
                defer { index += 1 }
                let verdict = verdicts[index]
                let ours = SDNextField("field", type, .null, nullable: false).validate(value)
                let context = "\(name) ← \(JSONWriter.string(value)): pydantic \(JSONWriter.string(verdict))"
                switch ours {
                case .success(let coerced):
                    let expected = try #require(verdict.objectValue?["ok"], "we accepted, \(context)")
                    #expect(coerced == expected, "we made \(JSONWriter.string(coerced)), \(context)")
                case .failure(let refused):
                    let expected = try #require(verdict.objectValue?["issues"]?.arrayValue, "we refused, \(context)")
                    let mine = refused.all.map { issue -> JSONValue in
                        .array([
                            .string(issue.type), .array(Array(issue.loc.dropFirst(2))), .string(issue.msg), issue.input,
                            issue.ctx.map(JSONValue.object) ?? .null,
                        ])
                    }
                    #expect(mine == expected, "we said \(JSONWriter.string(.array(mine))), \(context)")
                }
            }
        }
    }

    /// Runs python3 with `arguments` and returns its standard output; throws when it fails. Standard error goes to a
    /// file, so a child that writes much there cannot block on a full pipe while its output is read.
    private static func run(_ arguments: [String]) throws -> String {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("pydantic-stderr-\(UUID())")
        try Data().write(to: errorFile)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try ChildProcess.launch(process)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw PythonFailed(status: process.terminationStatus, errors: errors)
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct PythonFailed: Error {
        let status: Int32
        let errors: String
    }
}
