import Testing

@testable import SDNextEmulator

@Suite struct JSONTests {
    @Test func parserKeepsIntegersAndFloatsApart() throws {
        let value = try JSONParser.parse(Array(#"{"steps": 20, "cfg": 6.5, "n": -3, "e": 1e2, "ok": true, "s": "a\u00e9\n"}"#.utf8))
        let object = try #require(value.objectValue)
        #expect(object["steps"] == .int(20))
        #expect(object["cfg"] == .double(6.5))
        #expect(object["n"] == .int(-3))
        #expect(object["e"] == .double(100))
        #expect(object["ok"] == .bool(true))
        #expect(object["s"] == .string("aé\n"))
        #expect(object.keys == ["steps", "cfg", "n", "e", "ok", "s"])
    }

    @Test func parserReportsPythonStyleErrors() {
        #expect(throws: JSONSyntaxError(message: "Expecting value", position: 0)) { try JSONParser.parse(Array("".utf8)) }
        #expect(throws: JSONSyntaxError(message: "Expecting property name enclosed in double quotes", position: 1)) {
            try JSONParser.parse(Array("{a:1}".utf8))
        }
        #expect(throws: JSONSyntaxError(message: "Extra data", position: 3)) { try JSONParser.parse(Array("{} x".utf8)) }
    }

    @Test func writerMatchesFastAPIAndJSONDumps() {
        let value: JSONValue = .object(["b": 6.0, "a": [1, 0.05], "t": "é", "n": nil])
        #expect(JSONWriter.string(value) == #"{"b":6.0,"a":[1,0.05],"t":"é","n":null}"#)
        #expect(JSONWriter.string(value, style: .pythonDumps) == #"{"b": 6.0, "a": [1, 0.05], "t": "\u00e9", "n": null}"#)
    }
}
