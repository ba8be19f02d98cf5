/// A circuit breaker for the item store: while DynamoDB (or its credentials) is unavailable,
/// the worker stops claiming instead of fetching origins whose responses it cannot write and
/// spending the jobs' attempts. Each failure in a row doubles the pause (full jitter, capped);
/// one success closes it. Time and the random draw are passed in.
struct StoreBreaker {
    let basePause: Duration
    let maxPause: Duration
    private(set) var failures = 0
    private(set) var openUntil: ContinuousClock.Instant?

    init(basePause: Duration, maxPause: Duration) {
        self.basePause = basePause
        self.maxPause = maxPause
    }

    /// `random` in [0, 1): the pause is between half and all of the backoff.
    mutating func failed(now: ContinuousClock.Instant, random: Double) {
        failures += 1
        let backoff = min(maxPause, basePause * Double(1 << min(failures - 1, 20)))
        openUntil = now + backoff * (0.5 + random / 2)
    }

    mutating func succeeded() {
        failures = 0
        openUntil = nil
    }

    func allowsClaims(now: ContinuousClock.Instant) -> Bool {
        openUntil.map { $0 <= now } ?? true
    }

    /// When claims may start again, if they are held back now.
    func reopensAt(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        openUntil.flatMap { $0 > now ? $0 : nil }
    }
}
