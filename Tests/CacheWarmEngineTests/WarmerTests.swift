import CacheWarmCore
import CacheWarmEngine
import Synchronization
import Testing

/// An origin in memory: a response per path, with counts of concurrent fetches (all and per host).
final class FakeOrigin: OriginFetching {
    let responses: [String: Result<FetchedResponse, FetchFailure>]
    let inFlight = Mutex((now: 0, peak: 0))
    let hosts = Mutex<[String: (now: Int, peak: Int, done: Int)]>([:])
    let order = Mutex<[String]>([])

    init(_ responses: [String: Result<FetchedResponse, FetchFailure>]) {
        self.responses = responses
    }

    let conditional = Mutex<[[HTTPHeader]]>([])

    func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader]) async -> Result<FetchedResponse, FetchFailure> {
        if !extraHeaders.isEmpty { conditional.withLock { $0.append(extraHeaders) } }
        let host = String(request.url.split(separator: "/")[1])
        inFlight.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
        hosts.withLock { $0[host, default: (0, 0, 0)].now += 1; $0[host]!.peak = max($0[host]!.peak, $0[host]!.now) }
        try? await Task.sleep(for: .milliseconds(2))
        inFlight.withLock { $0.now -= 1 }
        hosts.withLock { $0[host]!.now -= 1; $0[host]!.done += 1 }
        order.withLock { $0.append(host) }
        return responses[request.url] ?? .failure(FetchFailure(.transient, reason: "no route"))
    }
}

/// A table in memory that can refuse chosen keys, and be unavailable for its first calls.
final class FakeStore: CacheItemStore {
    let stored = Mutex<[String: Item]>([:])
    let batches = Mutex<[Int]>([])
    let refuse: Set<String>
    /// Calls (reads and writes) still to answer "unavailable".
    let outage: Mutex<Int>
    let reads = Mutex(0)

    init(refuse: Set<String> = [], existing: [String: StoredItemState] = [:], unavailableCalls: Int = 0) {
        self.refuse = refuse
        self.existing = existing
        outage = Mutex(unavailableCalls)
    }

    func down() -> Bool {
        outage.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
    }

    let revalidated = Mutex<[String: (headers: [String: String], expires: Timestamp?)]>([:])
    let existing: [String: StoredItemState]

    convenience init(existing: [String: StoredItemState]) {
        self.init(refuse: [], existing: existing)
    }

    func read(keys: [String]) async -> Result<[String: StoredItemState], StoreFailure> {
        reads.withLock { $0 += 1 }
        if down() { return .failure(StoreFailure(.unavailable, reason: "UnrecognizedClientException: expired")) }
        return .success(existing.filter { keys.contains($0.key) })
    }

    func revalidate(key: String, headers: [String: String], expires: Timestamp?) async -> StoreFailure? {
        revalidated.withLock { $0[key] = (headers, expires) }
        return nil
    }

    func write(_ items: [Item]) async -> [String: StoreFailure] {
        batches.withLock { $0.append(items.count) }
        var failures: [String: StoreFailure] = [:]
        let unavailable = down()
        for item in items {
            guard case .s(let key)? = item["key"] else { continue }
            if unavailable {
                failures[key] = StoreFailure(.unavailable, reason: "ThrottlingException: slow down")
            } else if refuse.contains(key) {
                failures[key] = StoreFailure(.rejected, reason: "ValidationException: refused")
            } else {
                stored.withLock { $0[key] = item }
            }
        }
        return failures
    }
}

struct WarmerTests {
    static let now = Timestamp(secondsSinceEpoch: 1_795_541_114)

    static func ok(_ url: String, status: Int = 200, body: Int = 10, headers: [HTTPHeader] = [], final: String? = nil) -> (String, Result<FetchedResponse, FetchFailure>) {
        (url, .success(FetchedResponse(url: final ?? url, status: status, reason: "OK",
                                       headers: [HTTPHeader(name: "Content-Type", value: "text/plain")] + headers,
                                       body: [UInt8](repeating: 0x61, count: body), redirectedFrom: final == nil ? [] : [url])))
    }

    static func jobs(_ urls: [String]) throws -> [WarmJob] {
        try urls.map { try WarmJob(request: ReaderRequest(url: $0), settings: ReaderSettings()) }
    }

    func run(_ urls: [String], origin: FakeOrigin, store: FakeStore, configuration: Warmer.Configuration = Warmer.Configuration(concurrency: 4)) async throws -> [String: WarmOutcome] {
        let warmer = Warmer(configuration: configuration, fetcher: origin, store: store, now: { Self.now })
        let reported = Mutex(0)
        let results = await warmer.run(try Self.jobs(urls)) { _ in reported.withLock { $0 += 1 } }
        #expect(reported.withLock { $0 } == urls.count)
        #expect(results.count == urls.count)
        return Dictionary(uniqueKeysWithValues: results.map { ($0.url, $0.outcome) })
    }

    @Test func everyURLEndsInExactlyOneOutcome() async throws {
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: [
            Self.ok("http://a.test/ok"),
            Self.ok("http://a.test/missing", status: 404),
            Self.ok("http://a.test/big", body: 500_000),
            ("http://a.test/refused", .failure(FetchFailure(.refused, reason: "loopback"))),
            ("http://a.test/down", .failure(FetchFailure(.transient, reason: "connection refused"))),
        ]))
        let store = FakeStore()
        let outcomes = try await run(["http://a.test/ok", "http://a.test/missing", "http://a.test/big", "http://a.test/refused", "http://a.test/down"], origin: origin, store: store)
        #expect(outcomes["http://a.test/ok"]?.category == .filled)
        #expect(outcomes["http://a.test/missing"] == .uncacheable("status 404 is not in allowable_codes"))
        #expect(outcomes["http://a.test/big"]?.category == .oversize)
        #expect(outcomes["http://a.test/refused"] == .refused("loopback"))
        #expect(outcomes["http://a.test/down"] == .failed("connection refused"))
        let key = try CacheKey(request: ReaderRequest(url: "http://a.test/ok"), settings: ReaderSettings()).key
        #expect(store.stored.withLock { Array($0.keys) } == [key])
    }

    @Test func aBodyOverTheCapIsOversizeAndNotRetried() async throws {
        let origin = FakeOrigin(["http://a.test/bomb": .failure(FetchFailure(.tooLarge, reason: "body larger than 100 bytes"))])
        let outcomes = try await run(["http://a.test/bomb"], origin: origin, store: FakeStore())
        #expect(outcomes["http://a.test/bomb"] == .oversize("body larger than 100 bytes"))
    }

    @Test func aMethodTheReaderDoesNotCacheIsNeverSent() async throws {
        let origin = FakeOrigin([:])
        let request = ReaderRequest(method: "POST", url: "http://a.test/order", headers: [HTTPHeader(name: "X-HTTP-Method-Override", value: "GET")])
        let warmer = Warmer(configuration: Warmer.Configuration(), fetcher: origin, store: FakeStore(), now: { Self.now })
        let results = await warmer.run([try WarmJob(request: request, settings: ReaderSettings())]) { _ in }
        #expect(results.map(\.outcome) == [.uncacheable("method POST is not in allowable_methods")])
        #expect(origin.order.withLock { $0.isEmpty })
    }

    @Test func writesInBatchesOfAtMost25AndBoundsFetchConcurrency() async throws {
        let urls = (0..<103).map { "http://b.test/\($0)" }
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: urls.map { Self.ok($0) }))
        let store = FakeStore()
        let outcomes = try await run(urls, origin: origin, store: store, configuration: Warmer.Configuration(concurrency: 5))
        #expect(outcomes.values.allSatisfy { $0.category == .filled })
        #expect(store.stored.withLock { $0.count } == 103)
        #expect(store.batches.withLock { $0 }.allSatisfy { $0 <= 25 })
        #expect(store.batches.withLock { $0.reduce(0, +) } == 103)
        #expect(origin.inFlight.withLock { $0.peak } <= 5)
        #expect(origin.inFlight.withLock { $0.peak } >= 2)
    }

    @Test func thePerHostBoundHoldsForOneBusyHostWhileOtherHostsProceed() async throws {
        let busy = (0..<200).map { "http://busy.test/\($0)" }
        let others = (0..<20).map { "http://other\($0 % 4).test/\($0)" }
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: (busy + others).map { Self.ok($0) }))
        let outcomes = try await run(busy + others, origin: origin, store: FakeStore(),
                                     configuration: Warmer.Configuration(concurrency: 16, perHostConcurrency: 4))
        #expect(outcomes.values.allSatisfy { $0.category == .filled })
        #expect(origin.hosts.withLock { $0["busy.test"]?.peak } == 4)
        #expect(origin.hosts.withLock { $0.values.allSatisfy { $0.peak <= 4 } })
        // The other hosts are served while busy.test still has most of its 200 URLs to go.
        let order = origin.order.withLock { $0 }
        let lastOther = try #require(order.lastIndex { $0 != "busy.test" })
        #expect(order[..<lastOther].filter { $0 == "busy.test" }.count < 100)
    }

    @Test func aHostThatAnswers429IsPausedForItsRetryAfterWhileOthersGoOn() async throws {
        let throttled = "http://slow.test/0"
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: [
            (throttled, .success(FetchedResponse(url: throttled, status: 429, reason: "Too Many Requests", headers: [HTTPHeader(name: "Retry-After", value: "1")], body: []))),
        ] + (1..<4).map { Self.ok("http://slow.test/\($0)") } + (0..<4).map { Self.ok("http://fast.test/\($0)") }))
        let started = ContinuousClock.now
        let outcomes = try await run([throttled] + (1..<4).map { "http://slow.test/\($0)" } + (0..<4).map { "http://fast.test/\($0)" },
                                     origin: origin, store: FakeStore(), configuration: Warmer.Configuration(concurrency: 8, perHostConcurrency: 1))
        #expect(outcomes[throttled] == .uncacheable("status 429 is not in allowable_codes"))
        // slow.test's other URLs waited out the pause; fast.test did not wait for them.
        #expect(ContinuousClock.now - started >= .seconds(1))
        let order = origin.order.withLock { $0 }
        #expect(order.prefix(5).filter { $0 == "fast.test" }.count == 4)
        #expect(outcomes.values.filter { $0.category == .filled }.count == 7)
    }

    @Test func aRefusedWriteFailsOnlyItsOwnURL() async throws {
        let urls = (0..<10).map { "http://c.test/\($0)" }
        let badKey = try CacheKey(request: ReaderRequest(url: urls[3]), settings: ReaderSettings()).key
        let store = FakeStore(refuse: [badKey])
        let outcomes = try await run(urls, origin: FakeOrigin(Dictionary(uniqueKeysWithValues: urls.map { Self.ok($0) })), store: store)
        #expect(outcomes[urls[3]] == .failed("DynamoDB write: ValidationException: refused"))
        #expect(outcomes.values.filter { $0.category == .filled }.count == 9)
    }

    @Test func whileTheStoreIsUnavailableNothingIsFetchedAndNoAttemptIsSpent() async throws {
        let urls = (0..<40).map { "http://e.test/\($0)" }
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: urls.map { Self.ok($0) }))
        // The first two reads fail: their claims' jobs come back unfetched, and claims pause in between.
        let store = FakeStore(unavailableCalls: 2)
        var configuration = Warmer.Configuration(concurrency: 10)
        configuration.storePause = .milliseconds(20)
        let warmer = Warmer(configuration: configuration, fetcher: origin, store: store, now: { Self.now })
        let results = await warmer.run(try Self.jobs(urls)) { _ in }
        let unavailable = results.filter(\.storeUnavailable)
        #expect(unavailable.count == 20)
        #expect(unavailable.allSatisfy { $0.retryable && $0.outcome == .failed("DynamoDB read: UnrecognizedClientException: expired") })
        #expect(origin.order.withLock { $0.count } == 20)
        #expect(results.filter { $0.outcome.category == .filled }.count == 20)
        #expect(JobDisposition.decide(status: nil, failed: true, retryable: true, retryAfterSeconds: nil, attempt: 5, maxAttempts: 5,
                                      storeUnavailable: true, random: 0) == .retry(delaySeconds: 2, refundAttempt: true))
    }

    @Test func aThrottledWriteIsAStoreOutageNotTheJobsFault() async throws {
        let urls = (0..<3).map { "http://f.test/\($0)" }
        let store = FakeStore(unavailableCalls: 0)
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: urls.map { Self.ok($0) }))
        var configuration = Warmer.Configuration(concurrency: 3)
        configuration.storePause = .milliseconds(10)
        configuration.force = true  // no read: the one unavailable call is the write
        store.outage.withLock { $0 = 1 }
        let warmer = Warmer(configuration: configuration, fetcher: origin, store: store, now: { Self.now })
        let results = await warmer.run(try Self.jobs(urls)) { _ in }
        #expect(results.allSatisfy { $0.storeUnavailable && $0.outcome == .failed("DynamoDB write: ThrottlingException: slow down") })
        #expect(store.reads.withLock { $0 } == 0)
    }

    @Test func aRedirectIsStoredUnderTheRequestedAndTheFinalURL() async throws {
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: [Self.ok("http://d.test/old", final: "http://d.test/new")]))
        let store = FakeStore()
        let outcomes = try await run(["http://d.test/old"], origin: origin, store: store)
        let keys = try ["http://d.test/old", "http://d.test/new"].map { try CacheKey(request: ReaderRequest(url: $0), settings: ReaderSettings()).key }
        guard case .filled(let written, _, _)? = outcomes["http://d.test/old"] else { Issue.record("not filled"); return }
        #expect(written == keys)
        #expect(Set(store.stored.withLock { Array($0.keys) }) == Set(keys))
    }

    @Test func dryRunWritesNothingAndReportsWhatWouldBeWritten() async throws {
        let store = FakeStore()
        let outcomes = try await run(["http://e.test/x"], origin: FakeOrigin(Dictionary(uniqueKeysWithValues: [Self.ok("http://e.test/x")])), store: store,
                                     configuration: Warmer.Configuration(dryRun: true))
        #expect(outcomes["http://e.test/x"]?.category == .wouldFill)
        #expect(store.batches.withLock { $0 }.isEmpty)
    }

    static func key(_ url: String) throws -> String {
        try CacheKey(request: ReaderRequest(url: url), settings: ReaderSettings()).key
    }

    @Test func freshItemsAreHitsAndAreNotFetched() async throws {
        let urls = ["http://h.test/forever", "http://h.test/later", "http://h.test/soon", "http://h.test/new"]
        let store = FakeStore(existing: [
            try Self.key(urls[0]): StoredItemState(expires: nil, headers: []),
            try Self.key(urls[1]): StoredItemState(expires: Self.now.adding(seconds: 3600), headers: []),
            try Self.key(urls[2]): StoredItemState(expires: Self.now.adding(seconds: 60), headers: []),
        ])
        let origin = FakeOrigin(Dictionary(uniqueKeysWithValues: urls.map { Self.ok($0) }))
        let outcomes = try await run(urls, origin: origin, store: store, configuration: Warmer.Configuration(refreshLeadSeconds: 300))
        #expect(outcomes[urls[0]] == .hit(expires: nil))
        #expect(outcomes[urls[1]] == .hit(expires: Self.now.adding(seconds: 3600).isoformat))
        #expect(outcomes[urls[2]]?.category == .filled)  // expires within the refresh lead
        #expect(outcomes[urls[3]]?.category == .filled)
        let forced = try await run(urls, origin: origin, store: store, configuration: Warmer.Configuration(force: true))
        #expect(forced.values.allSatisfy { $0.category == .filled })
    }

    @Test func aStaleItemWithAValidatorIsRevalidatedAndA304OnlyRefreshesItsExpiry() async throws {
        let url = "http://r.test/etag"
        let stored = StoredItemState(expires: Self.now.adding(seconds: -10), headers: [HTTPHeader(name: "ETag", value: "\"v1\""), HTTPHeader(name: "Content-Type", value: "text/plain")])
        let store = FakeStore(existing: [try Self.key(url): stored])
        let notModified = FetchedResponse(url: url, status: 304, reason: "Not Modified",
                                          headers: [HTTPHeader(name: "ETag", value: "\"v1\""), HTTPHeader(name: "Cache-Control", value: "max-age=600")], body: [])
        let origin = FakeOrigin([url: .success(notModified)])
        var settings = ReaderSettings()
        settings.expiration.cacheControl = true
        let warmer = Warmer(configuration: Warmer.Configuration(), fetcher: origin, store: store, now: { Self.now })
        let results = await warmer.run([try WarmJob(request: ReaderRequest(url: url), settings: settings)]) { _ in }
        #expect(results.first?.outcome == .revalidated(key: try Self.key(url), expires: Self.now.adding(seconds: 600).isoformat))
        #expect(origin.conditional.withLock { $0 } == [[HTTPHeader(name: "If-None-Match", value: "\"v1\"")]])
        let update = try #require(store.revalidated.withLock { $0[try Self.key(url)] })
        #expect(update.expires == Self.now.adding(seconds: 600))
        #expect(update.headers["Cache-Control"] == "max-age=600" && update.headers["Content-Type"] == "text/plain")
        #expect(store.batches.withLock { $0 }.isEmpty)  // the body was not rewritten
    }

    @Test func theReportCountsOutcomesPerRunAndPerHost() {
        let results = [
            WarmResult(url: "http://a/1", host: "a", status: 200, outcome: .filled(keys: ["k"], itemBytes: 100, expires: nil)),
            WarmResult(url: "http://a/2", host: "a", status: 404, outcome: .uncacheable("status")),
            WarmResult(url: "http://b/1", host: "b", status: nil, outcome: .failed("down")),
        ]
        let report = WarmReport(results, elapsedSeconds: 2)
        #expect(report.count(.filled) == 1 && report.count(.uncacheable) == 1 && report.count(.failed) == 1)
        #expect(report.hosts["a"]?[.filled] == 1)
        #expect(report.hasFailures)
        #expect(report.summary.hasPrefix("3 URLs: filled 1, uncacheable 1, failed 1; 100 item bytes;"))
        let json = report.json(results: results)
        #expect(json["outcomes"]?["filled"] == .int("1"))
        #expect(json["urls"]?.array?.count == 3)
    }
}
