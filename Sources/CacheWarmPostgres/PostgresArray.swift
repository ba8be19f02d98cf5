/// PostgreSQL array literals for `unnest($1::text[], …)`: many rows in one parameterised
/// statement.
enum PostgresArray {
    static func literal(_ values: [String?]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.count * 64)
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            guard let value else { out += Array("NULL".utf8); continue }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func literal<T: BinaryInteger>(_ values: [T]) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }

    /// bytea in hex form (`\x0a1b…`).
    static func bytea(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = Array("\\x".utf8)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeBytea(_ text: String) -> [UInt8] {
        guard text.hasPrefix("\\x") else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        var high: UInt8?
        for scalar in text.utf8.dropFirst(2) {
            let value: UInt8 = scalar <= UInt8(ascii: "9") ? scalar - UInt8(ascii: "0") : (scalar | 0x20) - UInt8(ascii: "a") + 10
            if let h = high { bytes.append(h << 4 | value); high = nil } else { high = value }
        }
        return bytes
    }
}
