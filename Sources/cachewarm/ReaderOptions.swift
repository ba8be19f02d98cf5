import ArgumentParser
import CacheWarmCore

/// Flags mirroring the requests-cache session settings that change keys or items. Defaults are
/// requests-cache's, so a reader with a default `CachedSession` needs none of them.
struct ReaderOptions: ParsableArguments {
    @Option(name: .customLong("ignored-parameters"), help: "Comma-separated ignored_parameters ('' for none; default: requests-cache's).")
    var ignoredParameters: String?

    @Option(name: .customLong("match-headers"), help: "Comma-separated match_headers.")
    var matchHeaders: String?

    @Flag(name: .customLong("match-all-headers"), help: "match_headers=True (the key depends on python-requests' version).")
    var matchAllHeaders = false

    @Option(name: .customLong("key-hash"), help: "blake2b (default) or sha256 (readers on FIPS systems).")
    var keyHash: ReaderSettings.KeyHash = .blake2b

    @Option(name: .customLong("expire-after"), help: "expire_after: seconds or 90s/15m/2h/7d, never, 0 (immediately), do-not-cache.")
    var expireAfter: String = "never"

    @Option(name: .customLong("urls-expire-after"), help: "urls_expire_after entry PATTERN=EXPIRY; repeatable, first match wins.")
    var urlsExpireAfter: [String] = []

    @Flag(name: .customLong("cache-control"), help: "cache_control=True: honour Cache-Control and Expires.")
    var cacheControl = false

    @Option(name: .customLong("allowable-codes"), help: "Comma-separated allowable_codes (default 200).")
    var allowableCodes: String = "200"

    @Option(name: .customLong("allowable-methods"), help: "Comma-separated allowable_methods (default GET,HEAD).")
    var allowableMethods: String = "GET,HEAD"

    func validate() throws {
        _ = try settings()
    }

    func settings() throws -> ReaderSettings {
        guard !(matchAllHeaders && matchHeaders != nil) else {
            throw ValidationError("--match-headers and --match-all-headers exclude each other")
        }
        var expiration = ExpirationSettings(cacheControl: cacheControl)
        guard let expireAfter = ExpireAfter(parsing: expireAfter) else {
            throw ValidationError("--expire-after: '\(self.expireAfter)' is not seconds, a duration, never, 0 or do-not-cache")
        }
        expiration.expireAfter = expireAfter
        for entry in urlsExpireAfter {
            guard let equals = entry.lastIndex(of: "="), let value = ExpireAfter(parsing: String(entry[entry.index(after: equals)...])) else {
                throw ValidationError("--urls-expire-after: '\(entry)' is not PATTERN=EXPIRY")
            }
            expiration.urlsExpireAfter.append((String(entry[..<equals]), value))
        }
        let codes = allowableCodes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !codes.isEmpty, codes.allSatisfy({ $0 != nil }) else {
            throw ValidationError("--allowable-codes: '\(allowableCodes)' is not a list of status codes")
        }
        expiration.allowableCodes = Set(codes.compactMap { $0 })
        expiration.allowableMethods = Set(Self.list(allowableMethods).map { $0.uppercased() })
        let match: ReaderSettings.MatchHeaders = matchAllHeaders ? .all : matchHeaders.map { .list(Self.list($0)) } ?? .none
        return ReaderSettings(
            ignoredParameters: ignoredParameters.map(Self.list) ?? ReaderSettings.defaultIgnoredParameters,
            matchHeaders: match, keyHash: keyHash, expiration: expiration)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension ReaderSettings.KeyHash: ExpressibleByArgument {}
