/// URLs as they may be shown in progress lines, logs, reports and the jobs table: credentials
/// in the userinfo and the values of secret query parameters replaced, control characters
/// (and bidirectional overrides) percent-escaped so that they never reach a terminal raw, and
/// the length bounded. Keys are computed from the real URL; this is for display only.
public enum Redaction {
    /// requests-cache's default `ignored_parameters` are the secrets apps put in URLs.
    static let secretParameters = Set(ReaderSettings.defaultIgnoredParameters.map { $0.lowercased() })
    public static let maxDisplayBytes = 512

    public static func url(_ url: String, secretParameters extra: [String] = []) -> String {
        let bytes = Array(url.utf8)
        // Most URLs have nothing to hide or escape.
        if bytes.count <= maxDisplayBytes, !bytes.contains(where: { $0 == UInt8(ascii: "@") || $0 == UInt8(ascii: "?") || $0 < 0x21 || $0 >= 0x7F }) {
            return url
        }
        var text = Substring(url)
        var out = ""
        if let scheme = text.range(of: "://") {
            out += text[..<scheme.upperBound]
            text = text[scheme.upperBound...]
            let authorityEnd = text.firstIndex(where: { "/?#".contains($0) }) ?? text.endIndex
            if let at = text[..<authorityEnd].lastIndex(of: "@") {
                out += "***@"
                text = text[text.index(after: at)...]
            }
        }
        let secrets = extra.isEmpty ? secretParameters : secretParameters.union(extra.map { $0.lowercased() })
        if let question = text.firstIndex(of: "?") {
            out += text[...question]
            let rest = text[text.index(after: question)...]
            let fragmentStart = rest.firstIndex(of: "#") ?? rest.endIndex
            out += rest[..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map { pair in
                guard let equals = pair.firstIndex(of: "="), secrets.contains(pair[..<equals].lowercased()) else { return String(pair) }
                return pair[...equals] + "REDACTED"
            }.joined(separator: "&")
            out += rest[fragmentStart...]
        } else {
            out += text
        }
        return printable(out)
    }

    /// Control characters and bidirectional overrides percent-escaped; at most `maxDisplayBytes`.
    public static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if out.utf8.count >= maxDisplayBytes {
                out += "…"
                break
            }
            let value = scalar.value
            if value < 0x21 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) {
                for byte in String(scalar).utf8 { out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
