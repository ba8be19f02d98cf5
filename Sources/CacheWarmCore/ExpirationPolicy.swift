/// requests-cache's `expire_after` values (compat spec §4.1).
public enum ExpireAfter: Sendable, Equatable, CustomStringConvertible {
    /// `NEVER_EXPIRE` (-1), the session default.
    case never
    /// `EXPIRE_IMMEDIATELY` (0): written only when the response has a validator.
    case immediately
    /// `DO_NOT_CACHE`: never written.
    case doNotCache
    case seconds(Int64)

    /// The longest expiry a Python reader can add to now without overflowing `datetime`
    /// (about 7,900 years): anything longer would make requests-cache itself raise.
    public static let maxSeconds: Int64 = 250_000_000_000

    /// Parses `never`/`-1`, `0`/`immediately`, `do-not-cache`, or a duration: `3600`, `90s`,
    /// `15m`, `2h`, `7d`.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        switch lowered {
        case "never", "-1": self = .never
        case "0", "immediately", "expire-immediately": self = .immediately
        case "do-not-cache", "do_not_cache": self = .doNotCache
        default:
            let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
            let (number, unit) = lowered.last.flatMap { units[$0] }.map { (lowered.dropLast(), $0) } ?? (Substring(lowered), 1)
            guard number.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(number), value > 0 else { return nil }
            let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
            guard !overflow, seconds <= Self.maxSeconds else { return nil }
            self = .seconds(seconds)
        }
    }

    public var description: String {
        switch self {
        case .never: "never"
        case .immediately: "immediately"
        case .doNotCache: "do-not-cache"
        case .seconds(let s): "\(s)s"
        }
    }
}

/// The reader's expiration settings: `expire_after`, `urls_expire_after`, `cache_control`,
/// `allowable_codes` and `allowable_methods`, with requests-cache's defaults.
public struct ExpirationSettings: Sendable, Equatable {
    public var expireAfter: ExpireAfter
    /// Glob patterns, first match wins (requests-cache `_url_match`).
    public var urlsExpireAfter: [(pattern: String, expireAfter: ExpireAfter)]
    public var cacheControl: Bool
    public var allowableCodes: Set<Int>
    public var allowableMethods: Set<String>

    public init(
        expireAfter: ExpireAfter = .never,
        urlsExpireAfter: [(pattern: String, expireAfter: ExpireAfter)] = [],
        cacheControl: Bool = false,
        allowableCodes: Set<Int> = [200],
        allowableMethods: Set<String> = ["GET", "HEAD"]
    ) {
        self.expireAfter = expireAfter
        self.urlsExpireAfter = urlsExpireAfter
        self.cacheControl = cacheControl
        self.allowableCodes = allowableCodes
        self.allowableMethods = allowableMethods
    }

    public static func == (lhs: ExpirationSettings, rhs: ExpirationSettings) -> Bool {
        lhs.expireAfter == rhs.expireAfter && lhs.cacheControl == rhs.cacheControl
            && lhs.allowableCodes == rhs.allowableCodes && lhs.allowableMethods == rhs.allowableMethods
            && lhs.urlsExpireAfter.map(\.pattern) == rhs.urlsExpireAfter.map(\.pattern)
            && lhs.urlsExpireAfter.map(\.expireAfter) == rhs.urlsExpireAfter.map(\.expireAfter)
    }
}

/// Why a response is not written.
public enum UncacheableReason: Sendable, Equatable, CustomStringConvertible {
    case status(Int)
    case method(String)
    case noStore
    case doNotCache
    case expiredWithoutValidator

    public var description: String {
        switch self {
        case .status(let code): "status \(code) is not in allowable_codes"
        case .method(let method): "method \(method) is not in allowable_methods"
        case .noStore: "Cache-Control: no-store"
        case .doNotCache: "expire_after is DO_NOT_CACHE"
        case .expiredWithoutValidator: "expires immediately and has no ETag or Last-Modified"
        }
    }
}

/// What requests-cache's `CacheActions` decide for a response (compat spec §4.1), as a pure
/// function of the request, the response headers, the settings and the save time.
public enum ExpirationPolicy {
    public enum Decision: Sendable, Equatable {
        /// Write, with this `expires` (nil: fresh forever).
        case write(expires: Timestamp?)
        case skip(UncacheableReason)
    }

    public static func decide(
        method: String, preparedURL: String, requestHeaders: [HTTPHeader], status: Int,
        responseHeaders: [HTTPHeader], settings: ExpirationSettings, now: Timestamp
    ) -> Decision {
        let requestDirectives = CacheDirectives(requestHeaders)
        // CacheActions.from_request: request max-age, then urls_expire_after, then the session.
        var expiry = requestDirectives.maxAge.map(Expiry.seconds)
            ?? urlExpiration(preparedURL, settings.urlsExpireAfter).map(Expiry.init)
            ?? Expiry(settings.expireAfter)
        let response = CacheDirectives(responseHeaders)
        if settings.cacheControl {
            if response.immutable {
                expiry = .never
            } else {
                expiry = response.maxAge.map(Expiry.seconds) ?? response.expires.map(Expiry.httpDate) ?? expiry
            }
        }
        // requests-cache also lets X-HTTP-Method-Override and the like make a method allowed
        // (spec §4.1). A job must not use that to have the worker send, say, a POST that the
        // settings do not allow: the request's own method decides.
        if !settings.allowableMethods.contains(method) { return .skip(.method(method)) }
        if !settings.allowableCodes.contains(status) { return .skip(.status(status)) }
        if requestDirectives.noStore || (settings.cacheControl && response.noStore) { return .skip(.noStore) }
        switch expiry {
        case .doNotCache: return .skip(.doNotCache)
        case .never: return .write(expires: nil)
        case .seconds(let s) where s == 0:
            return response.hasValidator ? .write(expires: now) : .skip(.expiredWithoutValidator)
        case .seconds(let s): return .write(expires: now.adding(seconds: s).clampedToPython)
        case .httpDate(let text):
            // An Expires of digits means "already expired" (requests-cache `get_expiration_datetime`);
            // an unparsable date is treated as expired too (RFC 9111 §5.3).
            if text.trimmingPythonWhitespace().drop(while: { $0 == "-" }).allSatisfy(\.isASCIIDigit) {
                return response.hasValidator ? .write(expires: now) : .skip(.expiredWithoutValidator)
            }
            return .write(expires: (Timestamp(httpDate: text) ?? now).clampedToPython)
        }
    }

    private enum Expiry {
        case never, doNotCache, seconds(Int64), httpDate(String)

        init(_ value: ExpireAfter) {
            switch value {
            case .never: self = .never
            case .immediately: self = .seconds(0)
            case .doNotCache: self = .doNotCache
            case .seconds(let s): self = .seconds(s)
            }
        }
    }

    /// `get_url_expiration`: the scheme is dropped from URL and pattern, and the pattern gets a
    /// trailing `**` (fnmatch).
    static func urlExpiration(_ url: String, _ patterns: [(pattern: String, expireAfter: ExpireAfter)]) -> ExpireAfter? {
        let target = String(url.components(separatedBy: "://").last ?? url)
        for (pattern, expireAfter) in patterns {
            var glob = pattern.components(separatedBy: "://").last ?? pattern
            while glob.hasSuffix("*") { glob.removeLast() }
            if Glob.matches(Array(target.unicodeScalars), Array((glob + "**").unicodeScalars)) { return expireAfter }
        }
        return nil
    }
}
