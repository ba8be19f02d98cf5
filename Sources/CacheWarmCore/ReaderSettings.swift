/// The requests-cache session settings that decide keys, items and expiry: what the Python
/// reader is configured with. Defaults are requests-cache 1.3.3's.
public struct ReaderSettings: Sendable, Equatable {
    /// Which request headers are part of the key (`match_headers`, compat spec §3.6).
    public enum MatchHeaders: Sendable, Equatable {
        case none
        case list([String])
        case all
    }

    /// The digest of the key: BLAKE2b-64 normally, SHA-256 where BLAKE2 is unavailable (FIPS).
    public enum KeyHash: String, Sendable, Equatable, CaseIterable {
        case blake2b
        case sha256
    }

    /// `CachedSession`'s default `ignored_parameters` (compat spec §3.4).
    public static let defaultIgnoredParameters = [
        "Authorization", "Proxy-Authorization", "X-API-Key", "X-Auth-Token", "X-API-Token",
        "X-Access-Token", "access_token", "api_key", "apikey",
    ]

    /// `str(serializer)` of `DynamoDbCache`'s default serializer (compat spec §3, part 6).
    public static let dynamoDBSerializerName = "SerializerPipeline(name=dynamodb_document, n_stages=2)"

    public var ignoredParameters: [String]
    public var matchHeaders: MatchHeaders
    public var keyHash: KeyHash
    public var expiration: ExpirationSettings

    public init(
        ignoredParameters: [String] = ReaderSettings.defaultIgnoredParameters,
        matchHeaders: MatchHeaders = .none,
        keyHash: KeyHash = .blake2b,
        expiration: ExpirationSettings = ExpirationSettings()
    ) {
        self.ignoredParameters = ignoredParameters
        self.matchHeaders = matchHeaders
        self.keyHash = keyHash
        self.expiration = expiration
    }
}
