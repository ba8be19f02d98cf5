@testable import CacheWarmEngine
import Testing

struct StoreBreakerTests {
    let start = ContinuousClock.now

    @Test func failuresInARowDoubleThePauseUpToTheCapAndOneSuccessCloses() {
        var breaker = StoreBreaker(basePause: .seconds(1), maxPause: .seconds(8))
        #expect(breaker.allowsClaims(now: start))
        breaker.failed(now: start, random: 0.999_999)
        #expect(!breaker.allowsClaims(now: start + .milliseconds(999)))
        #expect(breaker.allowsClaims(now: start + .seconds(1)))
        for _ in 0..<10 { breaker.failed(now: start, random: 0.999_999) }
        #expect(!breaker.allowsClaims(now: start + .milliseconds(7999)))
        #expect(breaker.reopensAt(now: start).map { $0 <= start + .seconds(8) } == true)
        // Full jitter: a draw of 0 waits half the backoff.
        breaker.failed(now: start, random: 0)
        #expect(breaker.allowsClaims(now: start + .seconds(4)))
        breaker.succeeded()
        #expect(breaker.allowsClaims(now: start) && breaker.reopensAt(now: start) == nil)
    }
}
