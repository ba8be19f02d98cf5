import Foundation

/// A DynamoDB attribute value. Numbers stay decimal strings: no float round-trips.
public indirect enum AttributeValue: Sendable, Equatable {
    case s(String)
    case n(String)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
}

/// A whole item: attribute name to value.
public typealias Item = [String: AttributeValue]

extension AttributeValue {
    /// DynamoDB's wire JSON: `{"S": …}`, `{"N": "…"}`, `{"B": base64}`, `{"M": …}`, …
    public func appendWireJSON(to out: inout [UInt8]) {
        switch self {
        case .s(let text):
            out.append(contentsOf: #"{"S":"#.utf8)
            JSONText.appendQuoted(text, to: &out)
        case .n(let number):
            out.append(contentsOf: #"{"N":"#.utf8)
            JSONText.appendQuoted(number, to: &out)
        case .b(let bytes):
            out.append(contentsOf: #"{"B":""#.utf8)
            out.append(contentsOf: Data(bytes).base64EncodedData())
            out.append(UInt8(ascii: "\""))
        case .bool(let flag):
            out.append(contentsOf: (flag ? #"{"BOOL":true"# : #"{"BOOL":false"#).utf8)
        case .null:
            out.append(contentsOf: #"{"NULL":true"#.utf8)
        case .m(let members):
            out.append(contentsOf: #"{"M":"#.utf8)
            Self.appendWireJSON(members, to: &out)
        case .l(let items):
            out.append(contentsOf: #"{"L":["#.utf8)
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.appendWireJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A map of attributes as a JSON object, names sorted so that output is reproducible.
    public static func appendWireJSON(_ item: Item, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, name) in item.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(name, to: &out)
            out.append(UInt8(ascii: ":"))
            item[name]!.appendWireJSON(to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Decodes one wire-JSON attribute value.
    public init(wireJSON json: JSONValue) throws {
        guard let members = json.members, members.count == 1, let (type, value) = members.first else {
            throw DecodingError(description: "an attribute value must be an object with one type")
        }
        switch (type, value) {
        case ("S", .string(let s)): self = .s(s)
        case ("N", .string(let n)): self = .n(n)
        case ("B", .string(let b)):
            guard let data = Data(base64Encoded: b) else { throw DecodingError(description: "invalid base64 in B") }
            self = .b(Array(data))
        case ("BOOL", .bool(let flag)): self = .bool(flag)
        case ("NULL", _): self = .null
        case ("M", .object): self = .m(try Self.decodeItem(wireJSON: value))
        case ("L", .array(let items)): self = .l(try items.map(AttributeValue.init(wireJSON:)))
        default: throw DecodingError(description: "unsupported attribute type \(type)")
        }
    }

    public static func decodeItem(wireJSON json: JSONValue) throws -> Item {
        guard let members = json.members else { throw DecodingError(description: "an item must be an object") }
        var item: Item = [:]
        for (name, value) in members { item[name] = try AttributeValue(wireJSON: value) }
        return item
    }
}

/// Minimal JSON text output for the hot path (item encoding), appending bytes.
public enum JSONText {
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array(String(format: "\\u%04x", byte).utf8))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuoted(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
