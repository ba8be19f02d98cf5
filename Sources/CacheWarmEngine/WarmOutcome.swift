import CacheWarmCore

/// How one URL ended. Every URL ends in exactly one outcome.
public enum WarmOutcome: Sendable, Equatable {
    /// Already fresh in the table for longer than the refresh lead: not fetched, not written.
    case hit(expires: String?)
    /// The origin answered 304 to our validators: only the expiry and headers were updated.
    case revalidated(key: String, expires: String?)
    /// Written under these keys.
    case filled(keys: [String], itemBytes: Int, expires: String?)
    /// `--dry-run`: what would have been written.
    case wouldFill(keys: [String], itemBytes: Int, expires: String?)
    /// The reader would not cache it (status, method, no-store, expiry).
    case uncacheable(String)
    /// The item would exceed the item size limit, or the body the body limit.
    case oversize(String)
    /// The address policy refused the URL.
    case refused(String)
    case failed(String)

    public var category: Category {
        switch self {
        case .hit: .hit
        case .revalidated: .revalidated
        case .filled: .filled
        case .wouldFill: .wouldFill
        case .uncacheable: .uncacheable
        case .oversize: .oversize
        case .refused: .refused
        case .failed: .failed
        }
    }

    public enum Category: String, Sendable, CaseIterable, Codable {
        case hit
        case revalidated
        case filled
        case wouldFill = "would-fill"
        case uncacheable
        case oversize = "oversize-skipped"
        case refused
        case failed
    }

    /// The item's expiry after this outcome, when one is known (hit, revalidated, filled).
    public var expires: Timestamp? {
        switch self {
        case .hit(let text), .revalidated(_, let text), .filled(_, _, let text), .wouldFill(_, _, let text): text.flatMap(Timestamp.init(isoformat:))
        default: nil
        }
    }

    public var detail: String {
        switch self {
        case .hit(let expires): "fresh until \(expires ?? "forever")"
        case .revalidated(let key, let expires): "key \(key) 304, expires \(expires ?? "never")"
        case .filled(let keys, let bytes, let expires), .wouldFill(let keys, let bytes, let expires):
            "key \(keys.joined(separator: ",")) \(bytes) B expires \(expires ?? "never")"
        case .uncacheable(let reason), .oversize(let reason), .refused(let reason), .failed(let reason):
            reason
        }
    }
}

/// The result of one URL: which job, what happened, the origin status if any.
public struct WarmResult: Sendable {
    /// The requested URL as it may be shown (`Redaction.url`): no credentials, no raw control characters.
    public let url: String
    public let host: String
    public let status: Int?
    public let outcome: WarmOutcome
    /// A failure that may pass (network, timeout, throttled write).
    public let retryable: Bool
    /// The item store could not be used (outage, throttling, credentials): no attempt is spent.
    public let storeUnavailable: Bool
    /// The origin's Retry-After, in seconds.
    public let retryAfterSeconds: Double?
    public let durationMicroseconds: Int64
    /// The job's queue id, when it came from the queue.
    public let queueID: Int64?
    public let attempt: Int
    public let maxAttempts: Int
    public let keepWarm: Bool

    public init(url: String, host: String, status: Int?, outcome: WarmOutcome, retryable: Bool = false, storeUnavailable: Bool = false, retryAfterSeconds: Double? = nil,
                durationMicroseconds: Int64 = 0, queueID: Int64? = nil, attempt: Int = 1, maxAttempts: Int = 1, keepWarm: Bool = false) {
        self.keepWarm = keepWarm
        self.url = url
        self.host = host
        self.status = status
        self.outcome = outcome
        self.retryable = retryable
        self.storeUnavailable = storeUnavailable
        self.retryAfterSeconds = retryAfterSeconds
        self.durationMicroseconds = durationMicroseconds
        self.queueID = queueID
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }
}
