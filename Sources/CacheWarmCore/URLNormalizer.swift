import Foundation

/// The three URL stages of a requests-cache key (compat spec §3.3): requests' `prepare_url`
/// (A), requests-cache's `filter_url` (B) and url-normalize 3.1.0 (C).
public enum URLNormalizer {
    /// Stage A: requests' `PreparedRequest.prepare_url` with urllib3's `parse_url`.
    public static func prepare(_ raw: String) throws(InvalidRequest) -> String {
        let url = String(raw.drop(while: { $0.isWhitespace }))
        guard !url.isEmpty else { throw .empty }
        guard url.utf8.count <= InvalidRequest.maxURLBytes else { throw .urlTooLong(url.utf8.count) }
        if url.contains(":") && !url.lowercased().hasPrefix("http") { throw .unsupportedScheme(url) }
        let parts = URLParts(parsing: url)
        guard let scheme = parts.scheme?.lowercased() else { throw .missingScheme(url) }
        guard scheme == "http" || scheme == "https" else { throw .unsupportedScheme(url) }
        guard let authority = parts.authority else { throw .missingHost(url) }
        let (auth, hostPort) = authority.splitLast("@")
        let (host, port) = try splitHostPort(hostPort, url: url)
        guard !host.isEmpty else { throw .missingHost(url) }
        guard !host.hasPrefix("*"), !host.hasPrefix(".") else { throw .invalidHost(url) }

        var netloc = auth.map { encodeInvalid($0, allowed: userinfoChars) + "@" } ?? ""
        netloc += host
        if let port { netloc += ":\(port)" }
        var path = parts.path.isEmpty ? "" : encodeInvalid(removeDotSegments(parts.path), allowed: pathChars)
        if path.isEmpty { path = "/" }
        var result = "\(scheme)://\(netloc)\(path)"
        if let query = parts.query, !query.isEmpty { result += "?" + encodeInvalid(query, allowed: queryChars) }
        if let fragment = parts.fragment, !fragment.isEmpty { result += "#" + encodeInvalid(fragment, allowed: queryChars) }
        return requote(result)
    }

    /// Stage B: requests-cache `filter_url`: the query is sorted and ignored parameters redacted.
    public static func filter(_ url: String, ignoredParameters: [String]) -> String {
        let (beforeFragment, fragment) = url.splitFirst("#")
        let (base, query) = beforeFragment.splitFirst("?")
        var result = base
        let normalized = normalizeParameters(query ?? "", ignoredParameters: ignoredParameters)
        if !normalized.isEmpty { result += "?" + normalized }
        if let fragment, !fragment.isEmpty { result += "#" + fragment }
        return result
    }

    /// requests-cache `normalize_params`, shared by URL queries and form bodies.
    static func normalizeParameters(_ value: String, ignoredParameters: [String]) -> String {
        let ignored = Set(ignoredParameters)
        let pairs = PythonURLCoding.parseQSL(value)
            .sorted { PythonURLCoding.codePointLess($0.0, $1.0) || ($0.0 == $1.0 && PythonURLCoding.codePointLess($0.1, $1.1)) }
            .map { ignored.contains($0.0) ? ($0.0, "REDACTED") : $0 }
        var query = PythonURLCoding.urlencode(pairs)
        let keyOnly = value.split(separator: "&").map(String.init).filter { !$0.contains("=") }
            .sorted(by: PythonURLCoding.codePointLess)
        if !keyOnly.isEmpty {
            let joined = keyOnly.joined(separator: "&")
            query = query.isEmpty ? joined : query + "&" + joined
        }
        return query
    }

    /// Stage C: `url_normalize` 3.1.0 on an already prepared http(s) URL.
    public static func normalize(_ url: String) -> String {
        var (beforeFragment, fragment) = url.splitFirst("#")
        var (base, query) = beforeFragment.splitFirst("?")
        query = query.map { $0.split(separator: "&").joined(separator: "&") }
        if let hashbang = fragment, hashbang.hasPrefix("!") {
            let payload = quote(unquote(String(hashbang.dropFirst())), safe: "/")
            query = (query.map { $0.isEmpty ? "" : $0 + "&" } ?? "") + "_escaped_fragment_=" + payload
            fragment = nil
        }
        let parts = URLParts(parsing: base)
        let scheme = (parts.scheme ?? "").lowercased()
        let (userinfo, hostPort) = (parts.authority ?? "").splitLast("@")
        var host: String, port: String
        if hostPort.hasPrefix("[") {
            let (address, rest) = hostPort.splitFirst("]")
            host = (address + "]").lowercased()
            port = rest.map { $0.hasPrefix(":") ? String($0.dropFirst()) : $0 } ?? ""
        } else {
            let (name, rest) = hostPort.splitFirst(":")
            host = normalizeHost(name)
            port = rest ?? ""
        }
        if !port.isEmpty, port.allSatisfy(\.isASCIIDigit), let number = Int(port) {
            port = String(number)
            if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") { port = "" }
        }
        var result = scheme + "://"
        if let userinfo, userinfo != "", userinfo != ":" {
            result += normalizeComponent(userinfo, safe: "!$&'()*+,;=:", preserve: reservedCharacters) + "@"
        }
        result += host + (port.isEmpty ? "" : ":" + port) + normalizePath(parts.path)
        let normalizedQuery = normalizeQuery(query ?? "")
        if !normalizedQuery.isEmpty { result += "?" + normalizedQuery }
        if let fragment, !fragment.isEmpty { result += "#" + quote(unquote(fragment), safe: "~=") }
        return result
    }

    // MARK: Stage A helpers (urllib3 `parse_url`, requests `requote_uri`)

    private static let unreservedChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-~".utf8)
    private static let userinfoChars = unreservedChars.union("!$&'()*+,;=:".utf8)
    private static let pathChars = userinfoChars.union("@/".utf8)
    private static let queryChars = pathChars.union("?".utf8)

    private static func splitHostPort(_ hostPort: String, url: String) throws(InvalidRequest) -> (String, Int?) {
        var host: String, portText: String?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .invalidHost(url) }
            host = String(hostPort[...close]).lowercased()
            let rest = hostPort[hostPort.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { throw .invalidHost(url) }
            portText = rest.isEmpty ? nil : String(rest.dropFirst())
        } else {
            let (name, rest) = hostPort.splitFirst(":")
            guard !name.contains(where: { "[]".contains($0) || $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }),
                validPercentEscapes(name)
            else { throw .invalidHost(url) }
            guard let normalized = HostName.normalize(name) else { throw .invalidHost(url) }
            host = normalized
            portText = rest
        }
        guard let portText, !portText.isEmpty else { return (host, nil) }
        // urllib3: `:0*?(|0|[1-9][0-9]{0,4})`, at most 65535; leading zeros are dropped.
        let significant = portText.drop(while: { $0 == "0" })
        guard portText.allSatisfy(\.isASCIIDigit), significant.count <= 5,
            let port = Int(significant.isEmpty ? "0" : String(significant)), port <= 65535
        else { throw .invalidPort(url) }
        return (host, port)
    }

    private static func validPercentEscapes(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "%") {
            guard i + 2 < bytes.count, PythonURLCoding.hexValue(bytes[i + 1]) != nil,
                PythonURLCoding.hexValue(bytes[i + 2]) != nil
            else { return false }
        }
        return true
    }

    /// urllib3 `_remove_path_dot_segments` (RFC 3986 §5.2.4).
    private static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment == "." { continue }
            if segment != ".." { output.append(segment) } else if !output.isEmpty { output.removeLast() }
        }
        if path.hasPrefix("/") && (output.first.map(\.isEmpty) != true) { output.insert("", at: 0) }
        if path.hasSuffix("/.") || path.hasSuffix("/..") { output.append("") }
        return output.joined(separator: "/")
    }

    /// urllib3 `_encode_invalid_chars`: valid escapes are upper-cased and kept when every `%`
    /// starts one; everything not allowed is percent-encoded as UTF-8.
    private static func encodeInvalid(_ component: String, allowed: Set<UInt8>) -> String {
        var bytes = Array(component.utf8)
        var escapes = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
                PythonURLCoding.hexValue(bytes[i + 1]) != nil, PythonURLCoding.hexValue(bytes[i + 2]) != nil
            {
                bytes[i + 1] = uppercased(bytes[i + 1])
                bytes[i + 2] = uppercased(bytes[i + 2])
                escapes += 1
                i += 3
            } else {
                i += 1
            }
        }
        let isPercentEncoded = escapes == bytes.filter { $0 == UInt8(ascii: "%") }.count
        var out: [UInt8] = []
        for byte in bytes {
            if (isPercentEncoded && byte == UInt8(ascii: "%")) || (byte < 0x80 && allowed.contains(byte)) {
                out.append(byte)
            } else {
                PythonURLCoding.appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func uppercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) ? byte - 32 : byte
    }

    /// requests `requote_uri`: unquote unreserved escapes, then quote what is illegal.
    private static func requote(_ uri: String) -> String {
        let pieces = uri.components(separatedBy: "%")
        var result = pieces[0]
        for piece in pieces.dropFirst() {
            let head = String(piece.prefix(2))
            if head.count == 2, head.allSatisfy({ $0.isLetter || $0.isNumber }) {
                guard let value = UInt8(head, radix: 16) else {
                    return PythonURLCoding.quote(uri, safe: "!#$&'()*+,/:;=?@[]~")
                }
                if unreservedChars.contains(value) {
                    result += String(UnicodeScalar(value)) + piece.dropFirst(2)
                    continue
                }
            }
            result += "%" + piece
        }
        return PythonURLCoding.quote(result, safe: "!#$%&'()*+,/:;=?@[]~")
    }
}
