import CacheWarmCore

/// What the engine needs from the HTTP adapter.
public protocol OriginFetching: Sendable {
    /// `extraHeaders` are sent but are not part of the reader's request (validators).
    func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader]) async -> Result<FetchedResponse, FetchFailure>
}

/// A fetch that produced no response.
public struct FetchFailure: Error, Sendable, Equatable {
    public var reason: String
    /// The address policy refused the URL (never retried).
    public var refused: Bool
    public var retryable: Bool

    public init(reason: String, refused: Bool = false, retryable: Bool = false) {
        self.reason = reason
        self.refused = refused
        self.retryable = retryable
    }
}

/// What the engine needs from the DynamoDB adapter.
public protocol CacheItemStore: Sendable {
    /// Writes every item; returns the keys that failed, with a reason each.
    func write(_ items: [Item]) async -> [String: String]
    /// What the table holds for these keys (absent keys are missing); nil when it cannot be read.
    func read(keys: [String]) async -> [String: StoredItemState]?
    /// After a 304: only `value.expires`, `value.headers` and `ttl` change. Returns an error text.
    func revalidate(key: String, headers: [String: String], expires: Timestamp?) async -> String?
}
