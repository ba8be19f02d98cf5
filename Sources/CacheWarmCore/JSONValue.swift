import Foundation

/// A JSON value as Python's `json.loads` produces it, and `json.dumps` with default arguments.
///
/// Request bodies are normalized by requests-cache with `json.loads` → sort → `json.dumps`
/// (compat spec §3.5). Numbers keep their source text (ints are exact in Python; floats are
/// re-printed with `repr`), object keys keep Python's insertion order.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(String)
    case float(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.dumps() == rhs.dumps()
    }

    public struct ParseError: Error {}

    /// Nesting deeper than this is refused: parsing, sorting and printing recurse, and
    /// Python's own `json` gives up near 1,000 levels.
    public static let maxDepth = 512

    public static func parse(_ text: String) throws -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    public static func parse(bytes: [UInt8]) throws -> JSONValue {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw ParseError() }
        return value
    }

    /// `json.dumps(value)`: `", "` and `": "` separators, `ensure_ascii=True`.
    public func dumps() -> String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let digits): digits
        case .float(let d): Self.pythonRepr(d)
        case .string(let s): Self.quoted(s)
        case .array(let items): "[" + items.map { $0.dumps() }.joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.map { Self.quoted($0.0) + ": " + $0.1.dumps() }.joined(separator: ", ") + "}"
        }
    }

    static func quoted(_ string: String) -> String {
        // Most strings need no escape at all.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) { return "\"" + string + "\"" }
        var out = "\""
        for unit in string.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }

    /// Python's `float.__repr__`: shortest round-trip digits, fixed notation for exponents
    /// -4...15, otherwise `d.ddde±XX`; `json.dumps` spells the non-finite values its own way.
    static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let sign = value.sign == .minus ? "-" : ""
        // Swift's description also yields the shortest round-trip digits; re-lay them out.
        let text = "\(abs(value))"
        let (mantissa, exponentText) = text.splitFirst("e")
        let (intPart, fracPart) = mantissa.splitFirst(".")
        var digits = intPart + (fracPart ?? "")
        var exponent = (Int(exponentText ?? "0") ?? 0) + intPart.count - 1
        let leadingZeros = digits.prefix(while: { $0 == "0" }).count
        if leadingZeros == digits.count { return sign + "0.0" }
        digits.removeFirst(leadingZeros)
        exponent -= leadingZeros
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        if exponent < -4 || exponent >= 16 {
            let rest = digits.dropFirst()
            let body = digits.prefix(1) + (rest.isEmpty ? "" : "." + rest)
            return sign + body + "e" + (exponent < 0 ? "-" : "+") + String(format: "%02d", abs(exponent))
        }
        if exponent < 0 { return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        }
        return sign + digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
            guard depth < JSONValue.maxDepth else { throw ParseError() }
            depth += 1
            defer { depth -= 1 }
            return try body(&self)
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() throws -> JSONValue {
            guard index < bytes.count else { throw ParseError() }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try nested { try $0.object() }
            case UInt8(ascii: "["): return try nested { try $0.array() }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "N"): try literal("NaN"); return .float(.nan)
            case UInt8(ascii: "I"): try literal("Infinity"); return .float(.infinity)
            default: return try number()
            }
        }

        mutating func literal(_ word: String) throws {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected
            else { throw ParseError() }
            index += expected.count
        }

        mutating func object() throws -> JSONValue {
            index += 1
            var members: [(String, JSONValue)] = []
            // Positions by key, so that many (or repeated) keys stay linear.
            var positions: [String: Int] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw ParseError() }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw ParseError() }
                index += 1
                skipWhitespace()
                let item = try value()
                // A repeated key keeps its first position and its last value, as in a Python dict.
                if let existing = positions[key] {
                    members[existing].1 = item
                } else {
                    positions[key] = members.count
                    members.append((key, item))
                }
                skipWhitespace()
                guard index < bytes.count else { throw ParseError() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { throw ParseError() }
            }
        }

        mutating func array() throws -> JSONValue {
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value())
                skipWhitespace()
                guard index < bytes.count else { throw ParseError() }
                index += 1
                if bytes[index - 1] == UInt8(ascii: "]") { return .array(items) }
                guard bytes[index - 1] == UInt8(ascii: ",") else { throw ParseError() }
            }
        }

        mutating func string() throws -> String {
            index += 1
            var units: [UInt16] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: units, as: UTF16.self)
                }
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { throw ParseError() }
                    let escape = bytes[index + 1]
                    index += 2
                    switch escape {
                    case UInt8(ascii: "\""): units.append(0x22)
                    case UInt8(ascii: "\\"): units.append(0x5C)
                    case UInt8(ascii: "/"): units.append(0x2F)
                    case UInt8(ascii: "b"): units.append(0x08)
                    case UInt8(ascii: "f"): units.append(0x0C)
                    case UInt8(ascii: "n"): units.append(0x0A)
                    case UInt8(ascii: "r"): units.append(0x0D)
                    case UInt8(ascii: "t"): units.append(0x09)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                            let unit = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                        else { throw ParseError() }
                        units.append(unit)
                        index += 4
                    default: throw ParseError()
                    }
                    continue
                }
                guard byte >= 0x20 else { throw ParseError() }
                // Copy one UTF-8 sequence as UTF-16.
                var end = index + 1
                while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
                units.append(contentsOf: String(decoding: bytes[index..<end], as: UTF8.self).utf16)
                index = end
            }
            throw ParseError()
        }

        mutating func number() throws -> JSONValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") { try literal("Infinity"); return .float(-.infinity) }
            }
            let digitsStart = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > digitsStart, bytes[digitsStart] != UInt8(ascii: "0") || index - digitsStart == 1 else { throw ParseError() }
            var isFloat = false
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isFloat = true
                index += 1
                let fracStart = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > fracStart else { throw ParseError() }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isFloat = true
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let expStart = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                guard index > expStart else { throw ParseError() }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if isFloat { return .float(Double(text) ?? .nan) }
            return .int(text == "-0" ? "0" : text)
        }
    }
}

extension JSONValue {
    /// The member of an object, by name.
    public subscript(member: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == member }?.1
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var members: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
