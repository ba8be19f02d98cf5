import CacheWarmCore
import Testing

struct JobDispositionTests {
    func decide(status: Int? = nil, failed: Bool = false, retryable: Bool = false, retryAfter: Double? = nil, attempt: Int = 1, max: Int = 5,
                refunds: Int = 0, random: Double = 0.5) -> JobDisposition {
        JobDisposition.decide(status: status, failed: failed, retryable: retryable, retryAfterSeconds: retryAfter, attempt: attempt, maxAttempts: max,
                              refunds: refunds, policy: JobDisposition.Policy(baseDelaySeconds: 2, maxDelaySeconds: 60, maxRetryAfterSeconds: 300), random: random)
    }

    @Test func successAndPlainClientErrorsComplete() {
        #expect(decide(status: 200) == .complete)
        #expect(decide(status: 404) == .complete)
        #expect(decide(status: 403) == .complete)
    }

    @Test func networkErrorsAndTransientStatusesRetryWithExponentialFullJitter() {
        #expect(decide(failed: true, retryable: true, attempt: 1) == .retry(delaySeconds: 1, refundAttempt: false))
        #expect(decide(failed: true, retryable: true, attempt: 3) == .retry(delaySeconds: 4, refundAttempt: false))
        #expect(decide(status: 503, attempt: 2) == .retry(delaySeconds: 2, refundAttempt: false))
        #expect(decide(status: 408) == .retry(delaySeconds: 1, refundAttempt: false))
        #expect(decide(failed: true, retryable: true, attempt: 20, max: 30, random: 0.999) == .retry(delaySeconds: 59.94, refundAttempt: false))
    }

    @Test func retryAfterIsHonouredCappedAndDoesNotSpendAnAttempt() {
        #expect(decide(status: 429, retryAfter: 30, attempt: 5, max: 5) == .retry(delaySeconds: 30, refundAttempt: true))
        #expect(decide(status: 503, retryAfter: 86_400) == .retry(delaySeconds: 300, refundAttempt: true))
    }

    @Test func retryAfterZeroIsNoHotLoopAndRefundsRunOut() {
        #expect(decide(status: 429, retryAfter: 0) == .retry(delaySeconds: 1, refundAttempt: true))
        #expect(decide(status: 429, retryAfter: 30, attempt: 2, max: 5, refunds: 9) == .retry(delaySeconds: 30, refundAttempt: true))
        // After ten refunds the attempt counts, with the usual backoff, and the job ends when they are spent.
        #expect(decide(status: 429, retryAfter: 30, attempt: 2, max: 5, refunds: 10) == .retry(delaySeconds: 2, refundAttempt: false))
        #expect(decide(status: 429, retryAfter: 30, attempt: 5, max: 5, refunds: 10) == .fail)
    }

    @Test func exhaustedAttemptsAndPermanentFailuresFail() {
        #expect(decide(failed: true, retryable: true, attempt: 5, max: 5) == .fail)
        #expect(decide(status: 500, attempt: 5, max: 5) == .fail)
        #expect(decide(failed: true, retryable: false) == .fail)
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        let now = Timestamp(secondsSinceEpoch: 1_795_541_114)
        #expect(JobDisposition.retryAfterSeconds([HTTPHeader(name: "Retry-After", value: "120")], now: now) == 120)
        #expect(JobDisposition.retryAfterSeconds([HTTPHeader(name: "retry-after", value: now.adding(seconds: 90).httpDate)], now: now) == 90)
        #expect(JobDisposition.retryAfterSeconds([HTTPHeader(name: "Retry-After", value: "soon")], now: now) == nil)
        #expect(JobDisposition.retryAfterSeconds([], now: now) == nil)
    }
}

struct KeepWarmTests {
    static let now = Timestamp(secondsSinceEpoch: 1_795_541_114)

    @Test func runsAgainOneRefreshLeadBeforeExpiryWithUpToHalfALeadOfJitter() {
        let expires = Self.now.adding(seconds: 3600)
        #expect(KeepWarm.nextRun(expires: expires, now: Self.now, refreshLeadSeconds: 300, maxIntervalSeconds: 86_400, random: 0) == 3300)
        #expect(KeepWarm.nextRun(expires: expires, now: Self.now, refreshLeadSeconds: 300, maxIntervalSeconds: 86_400, random: 0.5) == 3225)
    }

    @Test func neverExpiringOrUnwrittenItemsComeBackAfterTheMaximumAndSoonItemsAtOnce() {
        #expect(KeepWarm.nextRun(expires: nil, now: Self.now, refreshLeadSeconds: 300, maxIntervalSeconds: 86_400, random: 0) == 86_400)
        #expect(KeepWarm.nextRun(expires: Self.now.adding(seconds: 10), now: Self.now, refreshLeadSeconds: 300, maxIntervalSeconds: 86_400, random: 0) == 1)
        #expect(KeepWarm.nextRun(expires: Self.now.adding(seconds: 900_000), now: Self.now, refreshLeadSeconds: 300, maxIntervalSeconds: 86_400, random: 0) == 86_400)
    }

    @Test func expireJitterMovesExpiryEarlierButNeverBeforeNow() throws {
        let request = ReaderRequest(url: "http://j.test/")
        let key = try CacheKey(request: request, settings: ReaderSettings())
        var settings = ReaderSettings()
        settings.expiration.expireAfter = .seconds(3600)
        let response = FetchedResponse(url: key.preparedURL, status: 200, reason: "OK", headers: [], body: [])
        guard case .item(let item) = ItemEncoder.encode(request: request, key: key, response: response, settings: settings, now: Self.now, expiresEarlierBy: 60_000_000),
              case .item(let clamped) = ItemEncoder.encode(request: request, key: key, response: response, settings: settings, now: Self.now, expiresEarlierBy: 9_000_000_000)
        else { Issue.record("expected items"); return }
        #expect(item.expires == Self.now.adding(seconds: 3540))
        #expect(clamped.expires == Self.now)
    }
}
