@testable import CacheWarmEngine
import Testing

struct HostPacerTests {
    let start = ContinuousClock.now

    @Test func boundsRequestsInFlightPerHost() {
        var pacer = HostPacer(perHost: 2, requestsPerSecond: nil, maxPause: .seconds(60))
        pacer.started("a", now: start, jitter: 0)
        pacer.started("a", now: start, jitter: 0)
        #expect(!pacer.canStart("a", now: start))
        #expect(pacer.canStart("b", now: start))
        pacer.finished("a", status: 200, retryAfterSeconds: nil, now: start)
        #expect(pacer.canStart("a", now: start))
    }

    @Test func spacesRequestStartsByTheRateWithUpToHalfAnIntervalOfJitter() {
        var pacer = HostPacer(perHost: 8, requestsPerSecond: 4, maxPause: .seconds(60))
        pacer.started("a", now: start, jitter: 0.5)
        #expect(!pacer.canStart("a", now: start + .milliseconds(249)))
        #expect(!pacer.canStart("a", now: start + .milliseconds(300)))
        #expect(pacer.canStart("a", now: start + .milliseconds(313)))
        #expect(pacer.nextReady(["a", "b"], now: start) == start + .milliseconds(312) + .microseconds(500))
    }

    @Test func aTooManyRequestsAnswerPausesTheHostForItsRetryAfterCapped() {
        var pacer = HostPacer(perHost: 8, requestsPerSecond: nil, maxPause: .seconds(30))
        pacer.started("a", now: start, jitter: 0)
        pacer.finished("a", status: 429, retryAfterSeconds: 5, now: start)
        #expect(!pacer.canStart("a", now: start + .seconds(4)))
        #expect(pacer.canStart("a", now: start + .seconds(5)))
        pacer.started("a", now: start, jitter: 0)
        pacer.finished("a", status: 503, retryAfterSeconds: 3600, now: start)
        #expect(!pacer.canStart("a", now: start + .seconds(29)))
        #expect(pacer.canStart("a", now: start + .seconds(30)))
        #expect(pacer.canStart("b", now: start))
    }
}
