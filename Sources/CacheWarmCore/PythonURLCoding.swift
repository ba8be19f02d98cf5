import Foundation

/// The percent-encoding primitives of Python's `urllib.parse`, byte for byte.
///
/// requests-cache keys run URLs through Python's `quote`, `unquote`, `parse_qsl` and `urlencode`
/// (compat spec §3.3); reproducing them exactly is what makes our keys equal to theirs.
enum PythonURLCoding {
    /// `urllib.parse` `_ALWAYS_SAFE`: letters, digits and `_.-~`.
    static func isAlwaysSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "-"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "%"))
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }

    /// `urllib.parse.quote(string, safe)` over the UTF-8 bytes (`errors="surrogateescape"`
    /// round-trips undecodable bytes, which working on bytes gives for free).
    static func quote<Bytes: Sequence>(_ bytes: Bytes, safe: String) -> String where Bytes.Element == UInt8 {
        let safeBytes = Set(safe.utf8)
        var out: [UInt8] = []
        for byte in bytes {
            if isAlwaysSafe(byte) || safeBytes.contains(byte) {
                out.append(byte)
            } else {
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func quote(_ string: String, safe: String) -> String {
        quote(string.utf8, safe: safe)
    }

    /// `urllib.parse.quote_plus(string, safe="")`, as `urlencode` uses it: a space becomes `+`.
    static func quotePlus(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if isAlwaysSafe(byte) {
                out.append(byte)
            } else if byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else {
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `urllib.parse.unquote_to_bytes`: `%XX` with two hex digits is decoded, anything else kept.
    static func unquoteToBytes(_ string: some StringProtocol, plusIsSpace: Bool = false) -> [UInt8] {
        var input = Array(string.utf8)
        if plusIsSpace {
            for i in input.indices where input[i] == UInt8(ascii: "+") { input[i] = UInt8(ascii: " ") }
        }
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "%"), i + 2 < input.count,
                let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(input[i])
                i += 1
            }
        }
        return out
    }

    /// `urllib.parse.unquote(string)` with the default `errors="replace"`.
    static func unquote(_ string: String) -> String {
        String(decoding: unquoteToBytes(string), as: UTF8.self)
    }

    /// `urllib.parse.parse_qsl(qs)` with default flags: `&`-separated pairs, `+` is a space,
    /// pairs without `=` or with an empty value are dropped.
    static func parseQSL(_ query: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let value = piece[piece.index(after: equals)...]
            guard !value.isEmpty else { continue }
            let name = piece[..<equals]
            pairs.append((
                String(decoding: unquoteToBytes(name, plusIsSpace: true), as: UTF8.self),
                String(decoding: unquoteToBytes(value, plusIsSpace: true), as: UTF8.self)
            ))
        }
        return pairs
    }

    /// `urllib.parse.urlencode(pairs)`.
    static func urlencode(_ pairs: [(String, String)]) -> String {
        pairs.map { quotePlus($0.0) + "=" + quotePlus($0.1) }.joined(separator: "&")
    }

    /// Python's `str` ordering: by Unicode code point (Swift's `<` uses canonical equivalence).
    static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }
}
