import CacheWarmCore

/// What the engine needs from the HTTP adapter.
public protocol OriginFetching: Sendable {
    /// `extraHeaders` are sent but are not part of the reader's request (validators).
    func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader]) async -> Result<FetchedResponse, FetchFailure>
}

/// A fetch that produced no response, and what kind of failure it is.
public struct FetchFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The address policy refused the URL: never retried.
        case refused
        /// The body is over the limit (decompressed or not): skipped as oversize, never retried.
        case tooLarge
        /// Network trouble, timeouts: may pass.
        case transient
        /// Anything else that will not pass by trying again (redirect loops, invalid redirects).
        case permanent
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var retryable: Bool { kind == .transient }
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
