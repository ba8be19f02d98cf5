/// What the table holds for a key, as far as deciding between a hit and a fetch needs.
public struct StoredItemState: Sendable, Equatable {
    /// nil: fresh forever (spec §4.3).
    public var expires: Timestamp?
    /// The stored response headers (`value.headers`).
    public var headers: [HTTPHeader]
    public var status: Int

    public init(expires: Timestamp?, headers: [HTTPHeader], status: Int = 200) {
        self.expires = expires
        self.headers = headers
        self.status = status
    }
}

/// Hit or fetch, decided before any request is sent.
public enum Freshness {
    public enum Decision: Sendable, Equatable {
        /// Fresh for longer than the refresh lead: nothing to do.
        case hit(expires: Timestamp?)
        /// Fetch; with validators when the stored response has them (conditional revalidation).
        case fetch(validators: [HTTPHeader])
    }

    public static func decide(_ stored: StoredItemState?, now: Timestamp, refreshLeadSeconds: Int64, force: Bool) -> Decision {
        guard let stored else { return .fetch(validators: []) }
        if !force {
            if stored.expires.map({ $0 > now.adding(seconds: refreshLeadSeconds) }) ?? true { return .hit(expires: stored.expires) }
        }
        return .fetch(validators: validators(stored.headers))
    }

    /// RFC 9110 §13.1: If-None-Match from ETag, If-Modified-Since from Last-Modified.
    public static func validators(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        var result: [HTTPHeader] = []
        if let etag = headers.first(named: "ETag") { result.append(HTTPHeader(name: "If-None-Match", value: etag)) }
        if let modified = headers.first(named: "Last-Modified") { result.append(HTTPHeader(name: "If-Modified-Since", value: modified)) }
        return result
    }

    /// After a 304: the stored headers updated by the 304's (RFC 9111 §4.3.4), and the new
    /// expiry computed as for a fresh 200 with those headers. nil when the reader would no
    /// longer cache it (e.g. `no-store` now).
    public static func revalidated(
        stored: StoredItemState, notModifiedHeaders: [HTTPHeader], method: String, preparedURL: String, requestHeaders: [HTTPHeader],
        settings: ExpirationSettings, now: Timestamp
    ) -> (headers: [HTTPHeader], expires: Timestamp?)? {
        var merged = stored.headers
        for header in notModifiedHeaders where !["content-length", "content-encoding", "transfer-encoding", "connection"].contains(header.name.lowercased()) {
            if let index = merged.firstIndex(where: { $0.name.lowercased() == header.name.lowercased() }) {
                merged[index].value = header.value
            } else {
                merged.append(header)
            }
        }
        let decision = ExpirationPolicy.decide(
            method: method, preparedURL: preparedURL, requestHeaders: requestHeaders, status: stored.status,
            responseHeaders: merged, settings: settings, now: now)
        guard case .write(let expires) = decision else { return nil }
        return (merged, expires)
    }
}
