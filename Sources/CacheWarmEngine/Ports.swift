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

/// A store call that failed, and whether the item or the store is at fault.
public struct StoreFailure: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// This item or request was refused (validation): trying again will not help.
        case rejected
        /// The store cannot be used now (throttled, unreachable, 5xx, credentials): not the
        /// job's fault, so it spends no attempt, and the worker stops claiming for a while.
        case unavailable
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }
}

/// What the engine needs from the DynamoDB adapter.
public protocol CacheItemStore: Sendable {
    /// Writes every item; returns the keys that failed, with the failure each.
    func write(_ items: [Item]) async -> [String: StoreFailure]
    /// What the table holds for these keys (absent keys are missing).
    func read(keys: [String]) async -> Result<[String: StoredItemState], StoreFailure>
    /// After a 304: only `value.expires`, `value.headers` and `ttl` change.
    func revalidate(key: String, headers: [String: String], expires: Timestamp?) async -> StoreFailure?
}
