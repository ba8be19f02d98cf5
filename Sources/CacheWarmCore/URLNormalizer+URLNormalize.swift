import Foundation

/// Stage C helpers: url-normalize 3.1.0 (compat spec §3.3).
extension URLNormalizer {
    static let reservedCharacters = ":/?#[]@!$&'()*+,;="

    static func normalizeHost(_ host: String) -> String {
        let trimmed = host.lowercased().drop(while: { $0 == "." })
        let stripped = String(trimmed.reversed().drop(while: { "." == $0 || "\u{3002}\u{FF0E}\u{FF61}".contains($0) }).reversed())
        return stripped.split(separator: ".").map { HostName.label(String($0)) ?? String($0) }.joined(separator: ".")
    }

    static func normalizePath(_ path: String) -> String {
        let normalized = normalizeComponent(path, safe: "~:/[]@!$&'()*+,;=", preserve: reservedCharacters)
        var output: [Substring] = []
        let parts = normalized.split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            if part.isEmpty {
                if output.isEmpty { output.append(part) }
            } else if part == "." {
            } else if part == ".." {
                if output.count > 1 { output.removeLast() }
            } else {
                output.append(part)
            }
        }
        if let last = parts.last, last.isEmpty || last == "." || last == ".." { output.append("") }
        let result = output.joined(separator: "/")
        return result.isEmpty ? "/" : result
    }

    static func normalizeQuery(_ query: String) -> String {
        query.split(separator: "&").map { param in
            let (key, value) = String(param).splitFirst("=")
            let normalizedKey = normalizeComponent(key, safe: "~:/?[]@!$'()*+,;", preserve: "+")
            guard let value else { return normalizedKey }
            return normalizedKey + "=" + normalizeComponent(value, safe: "~:/?[]@!$'()*+,;", preserve: "+")
        }.joined(separator: "&")
    }

    /// url-normalize `normalize_component`: escapes of `preserve` characters stay (upper-cased);
    /// everything else is unquoted, NFC-normalized and quoted again.
    static func normalizeComponent(_ string: String, safe: String, preserve: String) -> String {
        let protected = Set(preserve.utf8)
        let bytes = Array(string.utf8)
        var result = ""
        var chunk: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                let high = PythonURLCoding.hexValue(bytes[i + 1]), let low = PythonURLCoding.hexValue(bytes[i + 2]),
                protected.contains(high << 4 | low)
            {
                result += quote(unquote(String(decoding: chunk, as: UTF8.self)), safe: safe)
                result += "%" + String(format: "%02X", high << 4 | low)
                chunk.removeAll()
                i += 3
            } else {
                chunk.append(bytes[i])
                i += 1
            }
        }
        return result + quote(unquote(String(decoding: chunk, as: UTF8.self)), safe: safe)
    }

    /// url-normalize `unquote`: percent-decoding, then NFC when the bytes are valid UTF-8.
    static func unquote(_ string: String) -> [UInt8] {
        let bytes = PythonURLCoding.unquoteToBytes(string)
        guard let text = String(validating: bytes, as: UTF8.self) else { return bytes }
        return Array(text.precomposedStringWithCanonicalMapping.utf8)
    }

    static func quote(_ bytes: [UInt8], safe: String) -> String {
        PythonURLCoding.quote(bytes, safe: safe)
    }
}
