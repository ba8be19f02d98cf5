/// Politeness per host: at most `perHost` requests in flight, optionally a minimum interval
/// between request starts (with random jitter), and a pause after 429/503 (Retry-After
/// honoured, capped). Time is passed in, so the rules can be tested without waiting.
struct HostPacer {
    let perHost: Int
    /// 1 / --per-host-rate.
    let interval: Duration?
    let maxPause: Duration
    private var inFlight: [String: Int] = [:]
    private var readyAt: [String: ContinuousClock.Instant] = [:]
    static let idleHostsKept = 1024
    private var pruneAbove = idleHostsKept

    /// Hosts with state (in flight, or paced), for tests of eviction.
    var trackedHosts: Int { Set(inFlight.keys).union(readyAt.keys).count }

    init(perHost: Int, requestsPerSecond: Double?, maxPause: Duration) {
        self.perHost = perHost
        interval = requestsPerSecond.map { .nanoseconds(Int64(1e9 / $0)) }
        self.maxPause = maxPause
    }

    func canStart(_ host: String, now: ContinuousClock.Instant) -> Bool {
        inFlight[host, default: 0] < perHost && readyAt[host].map { $0 <= now } ?? true
    }

    /// `jitter` in [0, 1): the next start may come up to half an interval later.
    mutating func started(_ host: String, now: ContinuousClock.Instant, jitter: Double) {
        // A long-running worker sees many hosts: state of idle hosts whose time has passed goes.
        // The threshold doubles with what must stay, so pruning stays linear overall.
        if readyAt.count > pruneAbove {
            readyAt = readyAt.filter { $0.value > now || inFlight[$0.key] != nil }
            pruneAbove = max(Self.idleHostsKept, 2 * readyAt.count)
        }
        inFlight[host, default: 0] += 1
        if let interval { readyAt[host] = now + interval + interval * (jitter / 2) }
    }

    /// 429 and 503 pause the host for its Retry-After (default one second), at most `maxPause`.
    mutating func finished(_ host: String, status: Int?, retryAfterSeconds: Double?, now: ContinuousClock.Instant) {
        inFlight[host, default: 1] -= 1
        if inFlight[host] == 0 { inFlight[host] = nil }
        guard status == 429 || status == 503 else { return }
        // Clamped before conversion: a Retry-After of 10^18 seconds must not overflow.
        let seconds = min(max(retryAfterSeconds ?? 1, 0), Double(maxPause.components.seconds) + 1)
        let pause = min(maxPause, .milliseconds(Int64(seconds * 1000)))
        readyAt[host] = max(readyAt[host] ?? now, now + pause)
    }

    /// The earliest moment one of these hosts becomes ready, if any is waiting for time.
    func nextReady(_ hosts: some Sequence<String>, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        hosts.compactMap { readyAt[$0] }.filter { $0 > now }.min()
    }
}
