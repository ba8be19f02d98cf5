/// A job claimed from the refresh queue: what to fetch, for which reader, which attempt.
public struct QueuedJob: Sendable {
    public let id: Int64
    public let request: ReaderRequest
    public let settings: ReaderSettings
    public let attempt: Int
    public let maxAttempts: Int
    /// Attempts given back so far because the origin asked us to wait (Retry-After).
    public let refunds: Int
    /// Rescheduled after every outcome instead of finishing.
    public let keepWarm: Bool

    public init(id: Int64, request: ReaderRequest, settings: ReaderSettings, attempt: Int, maxAttempts: Int, refunds: Int = 0, keepWarm: Bool = false) {
        self.id = id
        self.refunds = refunds
        self.request = request
        self.settings = settings
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.keepWarm = keepWarm
    }
}

/// How a claimed job ends this attempt, as recorded in the queue.
public struct JobCompletion: Sendable, Equatable {
    public enum State: String, Sendable {
        case completed, retryable, failed
        /// Back to the queue untouched (shutdown): the attempt is not counted.
        case available
    }

    public var id: Int64
    public var state: State
    /// filled, uncacheable, oversize-skipped, refused, failed, …
    public var outcome: String
    public var statusCode: Int?
    public var itemBytes: Int?
    public var durationMilliseconds: Int?
    /// Appended to the job's error history.
    public var error: String?
    /// For `retryable`: run again after this many seconds.
    public var delaySeconds: Double?
    /// Give the attempt back (Retry-After, or a release at shutdown).
    public var refundAttempt: Bool
    /// A keep-warm job starts a new round: attempts from zero.
    public var resetAttempts: Bool = false

    public init(id: Int64, state: State, outcome: String, statusCode: Int? = nil, itemBytes: Int? = nil, durationMilliseconds: Int? = nil,
                error: String? = nil, delaySeconds: Double? = nil, refundAttempt: Bool = false) {
        self.id = id
        self.state = state
        self.outcome = outcome
        self.statusCode = statusCode
        self.itemBytes = itemBytes
        self.durationMilliseconds = durationMilliseconds
        self.error = error
        self.delaySeconds = delaySeconds
        self.refundAttempt = refundAttempt
    }
}

/// A job to put into the queue, with its key computed from its reader settings.
public struct NewJob: Sendable {
    public var request: ReaderRequest
    public var settings: ReaderSettings
    public var cacheKey: String
    public var queue: String
    public var priority: Int
    public var runAt: Timestamp?
    public var maxAttempts: Int
    public var runID: String?
    public var keepWarm: Bool

    public init(request: ReaderRequest, settings: ReaderSettings, cacheKey: String, queue: String = "default", priority: Int = 0,
                runAt: Timestamp? = nil, maxAttempts: Int = 5, runID: String? = nil, keepWarm: Bool = false) {
        self.keepWarm = keepWarm
        self.request = request
        self.settings = settings
        self.cacheKey = cacheKey
        self.queue = queue
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.runID = runID
    }
}
