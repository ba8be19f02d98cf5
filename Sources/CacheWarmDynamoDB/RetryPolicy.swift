/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
/// Jitter"): attempt n waits a uniform random time in [0, min(cap, base · 2ⁿ)]. Pure: the random
/// draw in [0, 1) is a parameter.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 8, baseDelay: Duration = .milliseconds(50), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `attempt` (0 for the first retry).
    public func delay(attempt: Int, random: Double) -> Duration {
        let ceiling = min(maxDelay, baseDelay * (1 << min(attempt, 30)))
        return ceiling * random
    }

    public func shouldRetry(_ error: DynamoDBError, attempt: Int) -> Bool {
        error.isRetryable && attempt + 1 < maxAttempts
    }
}
