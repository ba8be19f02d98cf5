/// What becomes of a queued job after one attempt: the single place that decides retries.
public enum JobDisposition: Sendable, Equatable {
    /// Finished (filled, uncacheable, oversize...): not tried again.
    case complete
    /// Tried again after `delaySeconds`; `refundAttempt` when the origin asked us to wait
    /// (Retry-After), which does not spend an attempt.
    case retry(delaySeconds: Double, refundAttempt: Bool)
    /// Given up: attempts exhausted, or a failure that cannot pass (refused, invalid).
    case fail

    public struct Policy: Sendable, Equatable {
        public var baseDelaySeconds: Double
        public var maxDelaySeconds: Double
        /// Retry-After values above this are capped; below the minimum raised (`Retry-After: 0`
        /// must not make a hot loop).
        public var maxRetryAfterSeconds: Double
        public var minRetryAfterSeconds: Double
        /// Retry-After gives the attempt back this many times per job; after that attempts count.
        public var maxRefunds: Int

        public init(baseDelaySeconds: Double = 2, maxDelaySeconds: Double = 600, maxRetryAfterSeconds: Double = 3600, minRetryAfterSeconds: Double = 1,
                    maxRefunds: Int = 10) {
            self.baseDelaySeconds = baseDelaySeconds
            self.maxDelaySeconds = maxDelaySeconds
            self.maxRetryAfterSeconds = maxRetryAfterSeconds
            self.minRetryAfterSeconds = minRetryAfterSeconds
            self.maxRefunds = maxRefunds
        }
    }

    /// - Parameters:
    ///   - status: the origin's final status, nil when no response arrived.
    ///   - failed: the attempt failed (fetch or write), `retryable` says whether it may pass.
    ///   - retryAfterSeconds: the origin's Retry-After, if it sent one.
    ///   - refunds: attempts given back to this job so far.
    ///   - storeUnavailable: the item store could not be used: the job is not at fault.
    ///   - random: a draw in [0, 1) for full jitter.
    public static func decide(
        status: Int?, failed: Bool, retryable: Bool, retryAfterSeconds: Double?, attempt: Int, maxAttempts: Int, refunds: Int = 0,
        storeUnavailable: Bool = false, policy: Policy = Policy(), random: Double
    ) -> JobDisposition {
        // A store outage of minutes fails no job: it goes back without spending an attempt.
        if storeUnavailable { return .retry(delaySeconds: policy.baseDelaySeconds * (1 + random), refundAttempt: true) }
        let transientStatus = status.map { $0 == 408 || $0 == 429 || $0 >= 500 } ?? false
        guard (failed && retryable) || transientStatus else { return failed ? .fail : .complete }
        if let retryAfterSeconds, status == 429 || status == 503, refunds < policy.maxRefunds {
            let delay = min(max(retryAfterSeconds, policy.minRetryAfterSeconds), policy.maxRetryAfterSeconds)
            return .retry(delaySeconds: delay, refundAttempt: true)
        }
        guard attempt < maxAttempts else { return .fail }
        let ceiling = min(policy.maxDelaySeconds, policy.baseDelaySeconds * Double(1 << min(max(attempt - 1, 0), 30)))
        return .retry(delaySeconds: ceiling * random, refundAttempt: false)
    }

    /// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public static func retryAfterSeconds(_ headers: [HTTPHeader], now: Timestamp) -> Double? {
        guard let value = headers.first(named: "Retry-After")?.trimmingPythonWhitespace() else { return nil }
        if let seconds = Int(value) { return Double(max(seconds, 0)) }
        guard let date = Timestamp(httpDate: value) else { return nil }
        return max(0, Double(now.microseconds(until: date)) / 1_000_000)
    }
}
