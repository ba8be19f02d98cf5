@testable import CacheWarmCore
import Testing

struct JSONValueTests {
    @Test(arguments: [(1.0, "1.0"), (100000.0, "100000.0"), (1e16, "1e+16"), (1.5e-07, "1.5e-07"), (0.0001, "0.0001"),
                      (0.00001, "1e-05"), (-0.0, "-0.0"), (3.14159, "3.14159"), (1234567890123456.0, "1234567890123456.0"),
                      (12345678901234567.0, "1.2345678901234568e+16"), (1e22, "1e+22"), (0.1, "0.1")])
    func floatsPrintAsPythonRepr(_ value: Double, _ expected: String) {
        #expect(JSONValue.pythonRepr(value) == expected)
    }

    @Test func dumpsLikePythonJSONDumps() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.50,"é\n"],"a":{"x":null,"y":true},"big":123456789012345678901234567890, "u":"\ud83d\ude00"}"#)
        #expect(value.dumps() == #"{"b": [1, 2.5, "\u00e9\n"], "a": {"x": null, "y": true}, "big": 123456789012345678901234567890, "u": "\ud83d\ude00"}"#)
    }

    @Test func rejectsInvalidJSON() {
        for text in ["{not json", "[1,]", "01", "\"open", "{} x"] {
            #expect(throws: JSONValue.ParseError.self, "\(text)") { try JSONValue.parse(text) }
        }
    }
}
