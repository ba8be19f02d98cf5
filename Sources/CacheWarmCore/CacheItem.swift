/// A response encoded as the DynamoDB items requests-cache reads as fresh hits.
public struct CacheItem: Sendable, Equatable {
    /// The key of the requested URL first; after a redirect also the final URL's key (spec §5).
    public let keys: [String]
    /// The `value` map shared by every key.
    public let value: [String: AttributeValue]
    public let expires: Timestamp?

    public init(keys: [String], value: [String: AttributeValue], expires: Timestamp?) {
        self.keys = keys
        self.value = value
        self.expires = expires
    }

    /// `round(expires.timestamp())` (spec §4.2).
    public var ttl: Int64? { expires?.roundedEpochSeconds }

    /// The item stored under one key: `key` S, `value` M, and `ttl` N when there is an expiry.
    public func item(forKey key: String) -> Item {
        var item: Item = ["key": .s(key), "value": .m(value)]
        if let ttl { item["ttl"] = .n(String(ttl)) }
        return item
    }

    public var items: [Item] { keys.map(item(forKey:)) }

    /// The DynamoDB size of the largest of the items (they differ only in key length).
    public var sizeBytes: Int { items.map(ItemSize.of).max() ?? 0 }
}
