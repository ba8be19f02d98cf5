import CacheWarmCore

/// One URL to warm: the reader's request, its settings, and the key computed up front (so a
/// malformed URL is rejected before anything is fetched or written).
public struct WarmJob: Sendable {
    public let request: ReaderRequest
    public let settings: ReaderSettings
    public let key: CacheKey
    /// The queue's job id, attempt number and attempt limit; nil and 1 for a plain `warm` run.
    public let queueID: Int64?
    public let attempt: Int
    public let maxAttempts: Int
    public let keepWarm: Bool

    public init(request: ReaderRequest, settings: ReaderSettings, queueID: Int64? = nil, attempt: Int = 1, maxAttempts: Int = 1, keepWarm: Bool = false) throws(InvalidRequest) {
        self.keepWarm = keepWarm
        self.request = request
        self.settings = settings
        self.key = try CacheKey(request: request, settings: settings)
        self.queueID = queueID
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    /// The host of the prepared URL, for per-host statistics.
    public var host: String {
        let afterScheme = key.preparedURL.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        return afterScheme.count > 2 ? String(afterScheme[2].split(separator: "@").last ?? "") : ""
    }
}
