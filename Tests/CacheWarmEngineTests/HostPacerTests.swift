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

    @Test func hugeRetryAfterValuesArePausedForTheCapWithoutOverflow() {
        var pacer = HostPacer(perHost: 8, requestsPerSecond: nil, maxPause: .seconds(30))
        pacer.started("a", now: start, jitter: 0)
        pacer.finished("a", status: 429, retryAfterSeconds: 9.2e18, now: start)
        #expect(!pacer.canStart("a", now: start + .seconds(29)))
        #expect(pacer.canStart("a", now: start + .seconds(30)))
    }

    @Test func idleHostsAreForgotten() {
        var pacer = HostPacer(perHost: 8, requestsPerSecond: 1000, maxPause: .seconds(30))
        var peak = 0
        for index in 0..<20_000 {
            let now = start + .milliseconds(index)
            pacer.started("h\(index)", now: now, jitter: 0)
            pacer.finished("h\(index)", status: 200, retryAfterSeconds: nil, now: now)
            peak = max(peak, pacer.trackedHosts)
        }
        #expect(peak <= 2 * HostPacer.idleHostsKept + 1)
    }
}
