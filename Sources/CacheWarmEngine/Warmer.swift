import CacheWarmCore
import Synchronization

/// The warm path: take jobs from a source, fetch each URL, encode the item, and write items in
/// batches, under one bounded task group. Claims, fetches and writes are all child tasks, so
/// the loop reacts to whichever ends first; nothing is unstructured.
public struct Warmer: Sendable {
    public struct Configuration: Sendable {
        public var concurrency: Int
        /// Items over this DynamoDB size are skipped and reported (409,600 on AWS).
        public var maxItemBytes: Int
        /// Items per write request (BatchWriteItem takes 25) and write requests in flight.
        public var writeBatchSize: Int
        public var concurrentWrites: Int
        public var dryRun: Bool
        /// An item fresh for longer than this is a hit: not fetched.
        public var refreshLeadSeconds: Int64
        /// Fetch everything, fresh or not (no lookup, no validators).
        public var force: Bool
        /// Requests in flight to one host at most (politeness; Scrapy's default is 8).
        public var perHostConcurrency: Int
        /// Request starts per second to one host, with jitter; nil: no rate limit.
        public var perHostRate: Double?
        /// The longest pause a 429/503 (and its Retry-After) imposes on a host.
        public var maxHostPause: Duration = .seconds(60)
        /// A write request closes at this many item bytes too: large items go in smaller batches,
        /// which bounds the memory that writes in flight hold.
        public var writeBatchBytes: Int
        /// Written expiries are moved earlier by a random 0…this many seconds, so URLs warmed
        /// together do not all expire together (never later than the origin allows).
        public var expireJitterSeconds: Int64 = 0
        /// While the store is unavailable no jobs are claimed: first for this long, doubling
        /// with each failure in a row up to `maxStorePause`.
        public var storePause: Duration = .seconds(1)
        public var maxStorePause: Duration = .seconds(60)

        public init(concurrency: Int = 16, maxItemBytes: Int = ItemSize.dynamoDBLimitBytes, writeBatchSize: Int = 25, concurrentWrites: Int = 4,
                    dryRun: Bool = false, refreshLeadSeconds: Int64 = 300, force: Bool = false, perHostConcurrency: Int = 8) {
            self.concurrency = max(1, concurrency)
            self.maxItemBytes = maxItemBytes
            self.writeBatchSize = max(1, writeBatchSize)
            self.concurrentWrites = max(1, concurrentWrites)
            self.dryRun = dryRun
            self.refreshLeadSeconds = refreshLeadSeconds
            self.force = force
            self.perHostConcurrency = max(1, perHostConcurrency)
            writeBatchBytes = 2 * 1024 * 1024
        }
    }

    let configuration: Configuration
    let fetcher: any OriginFetching
    let store: any CacheItemStore
    let now: @Sendable () -> Timestamp

    public init(configuration: Configuration, fetcher: any OriginFetching, store: any CacheItemStore, now: @escaping @Sendable () -> Timestamp) {
        self.configuration = configuration
        self.fetcher = fetcher
        self.store = store
        self.now = now
    }

    /// A fetched and encoded job, waiting for its items to be written.
    struct Encoded: Sendable {
        let job: WarmJob
        let items: [Item]
        let result: WarmResult

        var itemBytes: Int {
            if case .filled(let keys, let bytes, _) = result.outcome { return bytes * keys.count }
            return 0
        }
    }

    private enum Step: Sendable {
        case claimed([WarmJob]?, stored: Result<[String: StoredItemState], StoreFailure>)
        case encoded(Encoded)
        case written(batch: [Encoded], failures: [String: StoreFailure])
        /// A host paced by rate or a 429/503 pause may start again.
        case tick
    }

    /// Runs every job of a list; `report` is called once per job as it ends.
    public func run(_ jobs: [WarmJob], report: @escaping @Sendable (WarmResult) -> Void) async -> [WarmResult] {
        let collected = Mutex<[WarmResult]>([])
        await run(ListJobSource(jobs)) { result in
            collected.withLock { $0.append(result) }
            report(result)
        }
        return collected.withLock { $0 }
    }

    /// Runs jobs from `source` until it has no more and every job has ended.
    public func run(_ source: some WarmJobSource, report: @escaping @Sendable (WarmResult) -> Void) async {
        await withTaskGroup(of: Step.self) { group in
            var fetching = 0, writing = 0
            var claiming = false, exhausted = false
            var pending: [Encoded] = []  // encoded, items not yet handed to a write
            var waiting: [(WarmJob, [HTTPHeader], StoredItemState?)] = []  // their host is at its bound
            var pacer = HostPacer(perHost: configuration.perHostConcurrency, requestsPerSecond: configuration.perHostRate,
                                  maxPause: configuration.maxHostPause)
            var ticking = false
            var breaker = StoreBreaker(basePause: configuration.storePause, maxPause: configuration.maxStorePause)
            while true {
                // Start what the global and per-host bounds allow, oldest first.
                let clock = ContinuousClock.now
                var index = 0
                while fetching < configuration.concurrency && index < waiting.count {
                    let (job, validators, state) = waiting[index]
                    guard pacer.canStart(job.host, now: clock) else { index += 1; continue }
                    waiting.remove(at: index)
                    pacer.started(job.host, now: clock, jitter: Double.random(in: 0..<1))
                    fetching += 1
                    group.addTask { .encoded(await encode(job, validators: validators, stored: state)) }
                }
                // Jobs held back by time (rate, pause) need a wake-up even when nothing else runs.
                if !ticking, let wake = [pacer.nextReady(waiting.map(\.0.host), now: clock), breaker.reopensAt(now: clock)].compactMap({ $0 }).min() {
                    group.addTask { try? await Task.sleep(until: wake, clock: .continuous); return .tick }
                    ticking = true
                }
                // Claim more while there is room; jobs held back by a busy host leave room for
                // other hosts up to one more round of the concurrency. Items waiting for a write
                // hold fetching back (memory stays bounded when writes are slower than fetches).
                let free = configuration.concurrency - fetching - max(0, waiting.count - configuration.concurrency)
                let backlog = pending.reduce(0) { $0 + $1.itemBytes }
                let writesKeepUp = pending.count < configuration.writeBatchSize * configuration.concurrentWrites * 2
                    && backlog < configuration.writeBatchBytes * configuration.concurrentWrites * 2
                if !claiming && !exhausted && free > 0 && writesKeepUp && breaker.allowsClaims(now: clock) {
                    group.addTask { await claim(from: source, max: free) }
                    claiming = true
                }
                // Partial batches go out when no fetch could add to them soon.
                let flushPartial = fetching == 0 && waiting.isEmpty
                while writing < configuration.concurrentWrites, !pending.isEmpty,
                    flushPartial || pending.reduce(0, { $0 + $1.items.count }) >= configuration.writeBatchSize
                        || pending.reduce(0, { $0 + $1.itemBytes }) >= configuration.writeBatchBytes
                {
                    var batch: [Encoded] = []
                    var itemCount = 0, bytes = 0
                    while let first = pending.first,
                        batch.isEmpty || (itemCount + first.items.count <= configuration.writeBatchSize && bytes + first.itemBytes <= configuration.writeBatchBytes)
                    {
                        batch.append(pending.removeFirst())
                        itemCount += first.items.count
                        bytes += first.itemBytes
                    }
                    let items = batch.flatMap(\.items)
                    let store = self.store
                    group.addTask { .written(batch: batch, failures: await store.write(items)) }
                    writing += 1
                }
                guard let step = await group.next() else { break }
                switch step {
                case .claimed(let jobs, let read):
                    claiming = false
                    guard let jobs else { exhausted = true; continue }
                    let stored: [String: StoredItemState]
                    switch read {
                    case .success(let items):
                        breaker.succeeded()
                        stored = items
                    case .failure(let failure) where failure.kind == .unavailable:
                        // Nothing is fetched that could not be written; the jobs go back unspent.
                        breaker.failed(now: .now, random: Double.random(in: 0..<1))
                        for job in jobs { report(result(job, .failed("DynamoDB read: \(failure.reason)"), retryable: true, storeUnavailable: true, micros: 0)) }
                        continue
                    case .failure:
                        stored = [:]
                    }
                    let now = now()
                    for job in jobs {
                        // A method the reader does not cache is never sent: a job cannot make the worker POST.
                        guard job.settings.expiration.allowableMethods.contains(job.key.method) else {
                            report(result(job, .uncacheable(UncacheableReason.method(job.key.method).description), micros: 0))
                            continue
                        }
                        let state = stored[job.key.key]
                        switch Freshness.decide(state, now: now, refreshLeadSeconds: configuration.refreshLeadSeconds, force: configuration.force) {
                        case .hit(let expires):
                            report(result(job, .hit(expires: expires?.isoformat), micros: 0))
                        case .fetch(let validators):
                            waiting.append((job, validators, state))
                        }
                    }
                case .tick:
                    ticking = false
                case .encoded(let encoded):
                    fetching -= 1
                    pacer.finished(encoded.job.host, status: encoded.result.status, retryAfterSeconds: encoded.result.retryAfterSeconds, now: .now)
                    if encoded.items.isEmpty { report(encoded.result) } else { pending.append(encoded) }
                case .written(let batch, let failures):
                    writing -= 1
                    if failures.values.contains(where: { $0.kind == .unavailable }) {
                        breaker.failed(now: .now, random: Double.random(in: 0..<1))
                    } else {
                        breaker.succeeded()
                    }
                    for encoded in batch {
                        guard let failure = encoded.items.lazy.compactMap({ Self.key(of: $0).flatMap { failures[$0] } }).first else {
                            report(encoded.result)
                            continue
                        }
                        report(encoded.result.replacing(.failed("DynamoDB write: \(failure.reason)"), retryable: failure.kind == .unavailable,
                                                        storeUnavailable: failure.kind == .unavailable))
                    }
                }
            }
        }
    }

    /// Takes the next jobs and, unless forced, reads what the table holds for them (one
    /// BatchGetItem per claim) so that fresh items are hits.
    private func claim(from source: some WarmJobSource, max: Int) async -> Step {
        guard let jobs = await source.next(max: max) else { return .claimed(nil, stored: .success([:])) }
        if configuration.force || jobs.isEmpty { return .claimed(jobs, stored: .success([:])) }
        return .claimed(jobs, stored: await store.read(keys: jobs.map(\.key.key)))
    }

    func result(_ job: WarmJob, _ outcome: WarmOutcome, status: Int? = nil, retryable: Bool = false, storeUnavailable: Bool = false,
                retryAfter: Double? = nil, micros: Int64) -> WarmResult {
        WarmResult(url: Redaction.url(job.request.url, secretParameters: job.settings.ignoredParameters), host: job.host, status: status, outcome: outcome,
                   retryable: retryable, storeUnavailable: storeUnavailable, retryAfterSeconds: retryAfter, durationMicroseconds: micros,
                   queueID: job.queueID, attempt: job.attempt, maxAttempts: job.maxAttempts, keepWarm: job.keepWarm)
    }

    /// Fetch, decide, encode and size one job (in a child task: CPU work runs in parallel).
    func encode(_ job: WarmJob, validators: [HTTPHeader] = [], stored: StoredItemState? = nil) async -> Encoded {
        let start = ContinuousClock.now
        let fetched = await fetcher.fetch(job.request, extraHeaders: validators)
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        func done(_ outcome: WarmOutcome, status: Int? = nil, items: [Item] = [], retryable: Bool = false, storeUnavailable: Bool = false,
                  retryAfter: Double? = nil) -> Encoded {
            Encoded(job: job, items: items, result: result(job, outcome, status: status, retryable: retryable, storeUnavailable: storeUnavailable,
                                                           retryAfter: retryAfter, micros: micros))
        }
        switch fetched {
        case .failure(let failure):
            switch failure.kind {
            case .refused: return done(.refused(failure.reason))
            case .tooLarge: return done(.oversize(failure.reason))
            case .transient, .permanent: return done(.failed(failure.reason), retryable: failure.retryable)
            }
        case .success(let response) where response.status == 304 && !validators.isEmpty:
            guard let stored else { return done(.failed("304 to a request without a stored item"), status: 304) }
            let (outcome, unavailable) = await revalidate(job, stored: stored, response: response)
            return done(outcome, status: 304, retryable: unavailable, storeUnavailable: unavailable)
        case .success(let response):
            let savedAt = now()
            let retryAfter = JobDisposition.retryAfterSeconds(response.headers, now: savedAt)
            let jitter = configuration.expireJitterSeconds > 0 ? Int64.random(in: 0...(configuration.expireJitterSeconds * 1_000_000)) : 0
            switch ItemEncoder.encode(request: job.request, key: job.key, response: response, settings: job.settings, now: savedAt, expiresEarlierBy: jitter) {
            case .uncacheable(let reason):
                return done(.uncacheable(reason.description), status: response.status, retryAfter: retryAfter)
            case .item(let item):
                let size = item.sizeBytes
                if size > configuration.maxItemBytes {
                    return done(.oversize("item of \(size) B exceeds the \(configuration.maxItemBytes) B item limit"), status: response.status)
                }
                let expires = item.expires?.isoformat
                if configuration.dryRun { return done(.wouldFill(keys: item.keys, itemBytes: size, expires: expires), status: response.status) }
                return done(.filled(keys: item.keys, itemBytes: size, expires: expires), status: response.status, items: item.items)
            }
        }
    }

    /// A 304: the stored item stays, with the expiry and headers the 304 brings (spec §4.3).
    /// The outcome, and whether the store was unavailable.
    private func revalidate(_ job: WarmJob, stored: StoredItemState, response: FetchedResponse) async -> (WarmOutcome, Bool) {
        guard let (headers, expires) = Freshness.revalidated(
            stored: stored, notModifiedHeaders: response.headers, method: job.key.method, preparedURL: job.key.preparedURL,
            requestHeaders: job.request.preparedHeaders, settings: job.settings.expiration, now: now())
        else { return (.uncacheable("not cacheable any more after revalidation"), false) }
        let outcome = WarmOutcome.revalidated(key: job.key.key, expires: expires?.isoformat)
        if configuration.dryRun { return (outcome, false) }
        let stored = ItemEncoder.storedResponseHeaders(headers, ignored: job.settings.ignoredParameters)
        if let failure = await store.revalidate(key: job.key.key, headers: stored, expires: expires) {
            return (.failed("DynamoDB update: \(failure.reason)"), failure.kind == .unavailable)
        }
        return (outcome, false)
    }

    static func key(of item: Item) -> String? {
        if case .s(let key)? = item["key"] { return key }
        return nil
    }
}

extension WarmResult {
    func replacing(_ outcome: WarmOutcome, retryable: Bool, storeUnavailable: Bool) -> WarmResult {
        WarmResult(url: url, host: host, status: status, outcome: outcome, retryable: retryable, storeUnavailable: storeUnavailable, retryAfterSeconds: retryAfterSeconds,
                   durationMicroseconds: durationMicroseconds, queueID: queueID, attempt: attempt, maxAttempts: maxAttempts, keepWarm: keepWarm)
    }
}
