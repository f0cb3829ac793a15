import Testing

@testable import SDNextEmulator

@Suite struct JSONTests {
    @Test func parserKeepsIntegersFloatsAndBooleansApart() throws {
        let text = #"{"steps": 20, "cfg": 6.5, "n": -3, "e": 1e2, "z": 20.0, "ok": true, "one": 1, "no": false, "s": "a\u00e9\n", "x": null}"#
        let object = try #require(try JSONValue.parse(Array(text.utf8)).objectValue)
        #expect(object["steps"] == .int(20))
        #expect(object["cfg"] == .double(6.5))
        #expect(object["n"] == .int(-3))
        #expect(object["e"] == .double(100))
        #expect(object["z"] == .double(20))
        #expect(object["ok"] == .bool(true) && object["no"] == .bool(false))
        #expect(object["one"] == .int(1))
        #expect(object["s"] == .string("aé\n"))
        #expect(object["x"] == .null)
        #expect(object.keys == ["cfg", "e", "n", "no", "ok", "one", "s", "steps", "x", "z"], "keys come back sorted")
        #expect(try JSONValue.parse(Array(#"[1, [2.5, "t"], {}]"#.utf8)) == .array([1, .array([2.5, "t"]), .object([:])]))
        #expect(try JSONValue.parse(Array(#""text""#.utf8)) == .string("text"))
    }

    @Test func parserReportsWhereTheSyntaxBreaks() {
        func position(_ text: String) -> Int? {
            do {
                _ = try JSONValue.parse(Array(text.utf8))
                return nil
            } catch {
                return error.position
            }
        }
        #expect(position("") == 0)
        #expect(position("{a:1}") == 1)
        #expect(position("{} x") == 3)
        #expect(position("[1,") == 3, "a body cut short fails at its end")
    }

    @Test func writerMatchesFastAPIAndJSONDumps() {
        let value: JSONValue = .object(["b": 6.0, "a": [1, 0.05], "t": "é", "n": nil])
        #expect(JSONWriter.string(value) == #"{"b":6.0,"a":[1,0.05],"t":"é","n":null}"#)
        #expect(JSONWriter.string(value, style: .pythonDumps) == #"{"b": 6.0, "a": [1, 0.05], "t": "\u00e9", "n": null}"#)
    }
}
