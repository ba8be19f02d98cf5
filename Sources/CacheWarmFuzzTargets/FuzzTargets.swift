import CacheWarmCore

/// Every parser of outside input, as functions of arbitrary bytes: libFuzzer drives them
/// (`scripts/fuzz.sh`), and the test suite replays the inputs kept in `Tests/FuzzCorpus/`.
/// A target must never trap; where a round trip must hold, it checks it with `precondition`.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "url-key": urlKey,
        "cache-headers": cacheHeaders,
        "json-body": jsonBody,
        "settings": settings,
        "address": address,
        "isoformat": isoformat,
    ]

    /// First line the URL, second the method, then headers until an empty line, then the body.
    static func urlKey(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let (head, body) = text.splitOnce("\n\n")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let url = lines.isEmpty ? "" : lines.removeFirst()
        let method = lines.isEmpty ? "GET" : lines.removeFirst()
        let request = ReaderRequest(method: method, url: url, headers: headers(lines), body: body.map { Array($0.utf8) })
        _ = Redaction.url(url)
        for settings in [ReaderSettings(), ReaderSettings(ignoredParameters: [], matchHeaders: .all, keyHash: .sha256)] {
            guard let key = try? CacheKey(request: request, settings: settings) else { continue }
            precondition(key.key.utf8.count == (settings.keyHash == .blake2b ? 16 : 64))
            _ = URLNormalizer.normalize(key.preparedURL)
        }
    }

    /// Response headers, one `Name: value` a line: cache directives, Expires, Retry-After.
    static func cacheHeaders(_ bytes: [UInt8]) {
        let response = headers(String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init))
        let now = Timestamp(secondsSinceEpoch: 1_795_541_114)
        for settings in [ExpirationSettings(cacheControl: true), ExpirationSettings(expireAfter: .seconds(ExpireAfter.maxSeconds), cacheControl: false)] {
            let decision = ExpirationPolicy.decide(
                method: "GET", preparedURL: "http://a.test/", requestHeaders: response, status: 200, responseHeaders: response, settings: settings, now: now)
            if case .write(let expires?) = decision {
                precondition(expires >= .pythonMin && expires <= .pythonMax)
                _ = expires.isoformat
                _ = expires.httpDate
            }
        }
        _ = JobDisposition.retryAfterSeconds(response, now: now)
        for header in response { _ = Timestamp(httpDate: header.value) }
        _ = Freshness.revalidated(stored: StoredItemState(expires: now, headers: response), notModifiedHeaders: response, method: "GET",
                                  preparedURL: "http://a.test/", requestHeaders: [], settings: ExpirationSettings(cacheControl: true), now: now)
    }

    /// A request body as requests-cache normalizes JSON (parse, sort, dump).
    static func jsonBody(_ bytes: [UInt8]) {
        if let value = try? JSONValue.parse(bytes: bytes) {
            let dumped = value.dumps()
            precondition((try? JSONValue.parse(dumped))?.dumps() == dumped, "dumps must re-parse to itself")
        }
        let request = ReaderRequest(method: "POST", url: "http://a.test/", headers: [HTTPHeader(name: "Content-Type", value: "application/json")], body: bytes)
        _ = try? CacheKey(request: request, settings: ReaderSettings())
    }

    /// A job's settings JSON: what parses prints back to the same settings.
    static func settings(_ bytes: [UInt8]) {
        guard let json = try? JSONValue.parse(bytes: bytes), let parsed = try? ReaderSettings(json: json) else { return }
        precondition((try? ReaderSettings(json: parsed.json)) == parsed, "settings must round-trip")
        _ = try? CacheKey(request: ReaderRequest(url: "http://a.test/?api_key=1&b=2"), settings: parsed)
    }

    /// A host as the connect path reads it, its class under every policy, and host globs.
    static func address(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let (host, pattern) = text.splitOnce("\n")
        if let address = IPAddress(host) {
            precondition(address.bytes.count == 4 || address.bytes.count == 16)
            _ = AddressPolicy().refusal(for: address)
            _ = AddressPolicy(allowLoopback: true, allowPrivate: true).refusal(for: address)
            _ = address.description
        }
        _ = AddressPolicy().refusal(forName: host)
        if let pattern { _ = AddressPolicy(allowedHosts: [pattern]).isAllowedHost(host) }
    }

    /// Stored `expires` text: what parses prints back to the same instant.
    static func isoformat(_ bytes: [UInt8]) {
        guard let instant = Timestamp(isoformat: String(decoding: bytes, as: UTF8.self)) else { return }
        let clamped = instant.clampedToPython
        precondition(Timestamp(isoformat: clamped.isoformat) == clamped, "isoformat must round-trip")
    }

    static func headers(_ lines: [String]) -> [HTTPHeader] {
        lines.prefix(64).compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingCharacters())
        }
    }
}

extension String {
    fileprivate func splitOnce(_ separator: String) -> (String, String?) {
        guard let range = range(of: separator) else { return (self, nil) }
        return (String(self[..<range.lowerBound]), String(self[range.upperBound...]))
    }

    fileprivate func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }
}
