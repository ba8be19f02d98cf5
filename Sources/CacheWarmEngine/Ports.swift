import CacheWarmCore

/// What the engine needs from the HTTP adapter.
public protocol OriginFetching: Sendable {
    func fetch(_ request: ReaderRequest) async -> Result<FetchedResponse, FetchFailure>
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

/// What the engine needs from the DynamoDB adapter: write items, report per key.
public protocol CacheItemStore: Sendable {
    /// Writes every item; returns the keys that failed, with a reason each.
    func write(_ items: [Item]) async -> [String: String]
}
