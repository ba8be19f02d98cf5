/// Reader settings as JSON, the form a queued job carries them in (`settings jsonb`). Names and
/// meanings are requests-cache's; a missing field takes requests-cache's default.
///
/// `{"expire_after": 3600 | -1 | 0 | "do-not-cache", "urls_expire_after": {"pattern": 60},
///   "cache_control": true, "allowable_codes": [200], "allowable_methods": ["GET", "HEAD"],
///   "ignored_parameters": [...], "match_headers": false | true | [...], "key_hash": "blake2b"}`
extension ReaderSettings {
    public struct JSONError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The settings a job may carry, by their requests-cache names.
    public static let jsonKeys = [
        "expire_after", "urls_expire_after", "cache_control", "allowable_codes", "allowable_methods", "ignored_parameters", "match_headers", "key_hash",
    ]

    public init(json: JSONValue) throws(JSONError) {
        self.init()
        guard let members = json.members else { throw JSONError(description: "settings must be a JSON object") }
        for (name, value) in members {
            switch (name, value) {
            case ("ignored_parameters", .array(let items)): ignoredParameters = try Self.strings(items, name)
            case ("match_headers", .bool(let all)): matchHeaders = all ? .all : .none
            case ("match_headers", .array(let items)): matchHeaders = .list(try Self.strings(items, name))
            case ("key_hash", .string(let text)):
                guard let hash = KeyHash(rawValue: text) else { throw JSONError(description: "key_hash must be blake2b or sha256") }
                keyHash = hash
            case ("expire_after", _): expiration.expireAfter = try Self.expireAfter(value, name)
            case ("urls_expire_after", .object(let patterns)):
                // Every URL is matched against every pattern (glob matching is O(URL × pattern)).
                guard patterns.reduce(0, { $0 + $1.0.utf8.count }) <= Self.maxPatternBytes * 4 else {
                    throw JSONError(description: "urls_expire_after patterns must add up to at most \(Self.maxPatternBytes * 4) bytes")
                }
                expiration.urlsExpireAfter = []
                for (pattern, expiry) in patterns {
                    guard pattern.utf8.count <= Self.maxPatternBytes else {
                        throw JSONError(description: "urls_expire_after has a pattern longer than \(Self.maxPatternBytes) bytes")
                    }
                    expiration.urlsExpireAfter.append((pattern, try Self.expireAfter(expiry, "urls_expire_after.\(pattern)")))
                }
            case ("cache_control", .bool(let flag)): expiration.cacheControl = flag
            case ("allowable_codes", .array(let items)):
                let codes = items.compactMap { if case .int(let digits) = $0 { Int(digits) } else { nil } }
                guard codes.count == items.count, codes.allSatisfy((100...599).contains) else {
                    throw JSONError(description: "allowable_codes must be HTTP status codes (100-599)")
                }
                expiration.allowableCodes = Set(codes)
            case ("allowable_methods", .array(let items)):
                let methods = try Self.strings(items, name).map { $0.uppercased() }
                guard methods.allSatisfy(HTTPToken.isValid) else { throw JSONError(description: "allowable_methods must be HTTP method tokens") }
                expiration.allowableMethods = Set(methods)
            default: throw JSONError(description: "unknown or mistyped setting '\(name)'")
            }
        }
    }

    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("ignored_parameters", .array(ignoredParameters.map(JSONValue.string)))]
        switch matchHeaders {
        case .none: fields.append(("match_headers", .bool(false)))
        case .all: fields.append(("match_headers", .bool(true)))
        case .list(let names): fields.append(("match_headers", .array(names.map(JSONValue.string))))
        }
        fields.append(("key_hash", .string(keyHash.rawValue)))
        fields.append(("expire_after", Self.json(expiration.expireAfter)))
        fields.append(("urls_expire_after", .object(expiration.urlsExpireAfter.map { ($0.pattern, Self.json($0.expireAfter)) })))
        fields.append(("cache_control", .bool(expiration.cacheControl)))
        fields.append(("allowable_codes", .array(expiration.allowableCodes.sorted().map { .int(String($0)) })))
        fields.append(("allowable_methods", .array(expiration.allowableMethods.sorted().map(JSONValue.string))))
        return .object(fields)
    }

    private static func json(_ value: ExpireAfter) -> JSONValue {
        switch value {
        case .never: .int("-1")
        case .immediately: .int("0")
        case .doNotCache: .string("do-not-cache")
        case .seconds(let seconds): .int(String(seconds))
        }
    }

    private static func expireAfter(_ value: JSONValue, _ name: String) throws(JSONError) -> ExpireAfter {
        let text: String? =
            switch value {
            case .int(let digits): digits
            case .string(let string): string
            default: nil
            }
        guard let text, let parsed = ExpireAfter(parsing: text) else {
            throw JSONError(description: "\(name) must be seconds (at most \(ExpireAfter.maxSeconds)), -1 (never), 0 (immediately) or \"do-not-cache\"")
        }
        return parsed
    }

    /// Bounds on what a job's settings may hold: globs are matched against every URL, lists
    /// are searched per parameter.
    static let maxListCount = 256
    static let maxPatternBytes = 1024

    private static func strings(_ items: [JSONValue], _ name: String) throws(JSONError) -> [String] {
        let strings = items.compactMap(\.string)
        guard strings.count == items.count else { throw JSONError(description: "\(name) must be a list of strings") }
        guard strings.count <= maxListCount, strings.allSatisfy({ $0.utf8.count <= maxPatternBytes }) else {
            throw JSONError(description: "\(name) must have at most \(maxListCount) strings of at most \(maxPatternBytes) bytes")
        }
        return strings
    }
}
