/// Builds the item requests-cache 1.3.3 reads as a fresh hit (compat spec §2), from a fetched
/// response and the reader's request and settings.
public enum ItemEncoder {
    public enum Result: Sendable, Equatable {
        case item(CacheItem)
        case uncacheable(UncacheableReason)
    }

    /// `expiresEarlierBy` (microseconds) moves a future expiry earlier, never before `now`:
    /// the jitter that keeps URLs warmed together from expiring together.
    public static func encode(
        request: ReaderRequest, key: CacheKey, response: FetchedResponse, settings: ReaderSettings, now: Timestamp, expiresEarlierBy: Int64 = 0
    ) -> Result {
        let prepared = request.preparedHeaders
        let decision = ExpirationPolicy.decide(
            method: key.method, preparedURL: key.preparedURL, requestHeaders: prepared, status: response.status,
            responseHeaders: response.headers, settings: settings.expiration, now: now)
        guard case .write(var expires) = decision else {
            if case .skip(let reason) = decision { return .uncacheable(reason) }
            preconditionFailure("unreachable")
        }
        if let due = expires, due > now { expires = max(now, due.adding(microseconds: -expiresEarlierBy)) }
        var keys = [key.key]
        if response.url != key.preparedURL {
            let final = ReaderRequest(method: request.method, url: response.url, headers: request.headers, body: request.body, verify: request.verify)
            if let finalKey = try? CacheKey(request: final, settings: settings), !keys.contains(finalKey.key) {
                keys.append(finalKey.key)
            }
        }
        let value = encodeValue(request: request, key: key, prepared: prepared, response: response, settings: settings, expires: expires, now: now)
        return .item(CacheItem(keys: keys, value: value, expires: expires))
    }

    static func encodeValue(
        request: ReaderRequest, key: CacheKey, prepared: [HTTPHeader], response: FetchedResponse,
        settings: ReaderSettings, expires: Timestamp?, now: Timestamp
    ) -> [String: AttributeValue] {
        let ignored = settings.ignoredParameters
        let url = redactURL(response.url, ignored)
        // §2.4: every body as raw bytes; requests-cache reads it back byte for byte.
        var value: [String: AttributeValue] = [
            "_content": .b(response.body),
            "created_at": .s(now.isoformat),
            "reason": .s(response.reason),
            "url": .s(url),
        ]
        if response.status != 0 { value["status_code"] = .n(String(response.status)) }
        if let expires { value["expires"] = .s(expires.isoformat) }
        if response.elapsedMicroseconds > 0 {
            value["elapsed"] = .n(JSONValue.pythonRepr(Double(response.elapsedMicroseconds) / 1_000_000))
        }
        if let encoding = encoding(of: response.headers) { value["encoding"] = .s(encoding) }
        let headers = storedResponseHeaders(response.headers, ignored: ignored)
        if !headers.isEmpty { value["headers"] = .m(headers.mapValues(AttributeValue.s)) }
        let cookies = setCookies(response.headers)
        if !cookies.isEmpty { value["cookies"] = .m(cookies.mapValues(AttributeValue.s)) }

        var requestMap: [String: AttributeValue] = [
            "method": .s(key.method),
            "url": .s(url),
            "headers": .m(redactHeaders(caseInsensitiveJoin(prepared), ignored).mapValues(AttributeValue.s)),
        ]
        let body = ignored.isEmpty ? (request.body ?? []) : key.normalizedBody
        if !body.isEmpty { requestMap["body"] = .b(body) }
        value["request"] = .m(requestMap)
        return value
    }

    /// `redact_response`: the query is re-sorted and ignored parameters get `REDACTED`.
    static func redactURL(_ url: String, _ ignored: [String]) -> String {
        // Without a query there is nothing to sort or redact.
        ignored.isEmpty || !url.utf8.contains(UInt8(ascii: "?")) ? url : URLNormalizer.filter(url, ignoredParameters: ignored)
    }

    /// Headers as requests' case-insensitive dict holds them (repeats joined with `, `),
    /// then `filter_sort_dict` when ignored parameters are set. `Vary: *` can never match a
    /// stored request, so it is left out (§2.6).
    public static func storedResponseHeaders(_ headers: [HTTPHeader], ignored: [String]) -> [String: String] {
        var joined = caseInsensitiveJoin(headers)
        if let index = joined.firstIndex(where: { $0.name.lowercased() == "vary" }),
            joined[index].value.split(separator: ",").contains(where: { $0.trimmingPythonWhitespace() == "*" })
        {
            joined.remove(at: index)
        }
        return redactHeaders(joined, ignored)
    }

    /// `filter_sort_dict` over headers already joined case-insensitively.
    static func redactHeaders(_ headers: [HTTPHeader], _ ignored: [String]) -> [String: String] {
        let ignoredSet = Set(ignored)
        var result: [String: String] = [:]
        for header in headers {
            result[header.name] = ignoredSet.contains(header.name) ? "REDACTED" : header.value
        }
        return result
    }

    static func caseInsensitiveJoin(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var joined: [HTTPHeader] = []
        var index: [String: Int] = [:]
        for header in headers {
            let lowered = header.name.lowercased()
            if let at = index[lowered] {
                joined[at].value += ", " + header.value
            } else {
                index[lowered] = joined.count
                joined.append(header)
            }
        }
        return joined
    }

    /// requests `get_encoding_from_headers`.
    static func encoding(of headers: [HTTPHeader]) -> String? {
        guard let contentType = headers.first(named: "Content-Type") else { return nil }
        let pieces = contentType.split(separator: ";")
        let mediaType = pieces.first.map { $0.trimmingPythonWhitespace() } ?? ""
        for parameter in pieces.dropFirst() {
            let (name, value) = String(parameter).splitFirst("=")
            let strip: (String) -> String = { text in
                let quotes: Set<Character> = [" ", "'", "\""]
                guard let first = text.firstIndex(where: { !quotes.contains($0) }), let last = text.lastIndex(where: { !quotes.contains($0) }) else { return "" }
                return String(text[first...last])
            }
            if strip(name).lowercased() == "charset", let value { return strip(value) }
        }
        if mediaType.contains("text") { return "ISO-8859-1" }
        if mediaType.contains("application/json") { return "utf-8" }
        return nil
    }

    /// Cookies set by the response: name → value (no attributes), as requests' cookie jar gives them.
    static func setCookies(_ headers: [HTTPHeader]) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in headers where header.name.lowercased() == "set-cookie" {
            let pair = header.value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            let (name, value) = pair.splitFirst("=")
            let trimmed = name.trimmingPythonWhitespace()
            if !trimmed.isEmpty, let value { cookies[trimmed] = value.trimmingPythonWhitespace() }
        }
        return cookies
    }
}
