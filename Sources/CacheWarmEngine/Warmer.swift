import CacheWarmCore

/// The warm path: fetch each job's URL, encode the item, and write items in batches, under one
/// bounded task group (fetches and writes are child tasks; nothing unstructured).
public struct Warmer: Sendable {
    public struct Configuration: Sendable {
        public var concurrency: Int
        /// Items over this DynamoDB size are skipped and reported (409,600 on AWS).
        public var maxItemBytes: Int
        /// Items per write request (BatchWriteItem takes 25) and write requests in flight.
        public var writeBatchSize: Int
        public var concurrentWrites: Int
        public var dryRun: Bool

        public init(concurrency: Int = 16, maxItemBytes: Int = ItemSize.dynamoDBLimitBytes, writeBatchSize: Int = 25, concurrentWrites: Int = 4, dryRun: Bool = false) {
            self.concurrency = max(1, concurrency)
            self.maxItemBytes = maxItemBytes
            self.writeBatchSize = max(1, writeBatchSize)
            self.concurrentWrites = max(1, concurrentWrites)
            self.dryRun = dryRun
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
        let index: Int
        let status: Int?
        let items: [Item]
        let outcome: WarmOutcome
    }

    private enum Step: Sendable {
        case encoded(Encoded)
        case written(indices: [Int], failures: [String: String])
    }

    /// Runs every job; `report` is called once per job as it ends (in completion order).
    public func run(_ jobs: [WarmJob], report: @escaping @Sendable (Int, WarmResult) -> Void) async -> [WarmResult] {
        var results = [WarmResult?](repeating: nil, count: jobs.count)
        let finish: (Int, Int?, WarmOutcome) -> Void = { index, status, outcome in
            let result = WarmResult(url: jobs[index].request.url, host: jobs[index].host, status: status, outcome: outcome)
            results[index] = result
            report(index, result)
        }
        await withTaskGroup(of: Step.self) { group in
            var next = 0, fetching = 0, writing = 0
            var queue: [Encoded] = []  // encoded jobs whose items are not yet being written
            var waiting: [Int: Encoded] = [:]  // jobs whose items are being written
            while true {
                while fetching < configuration.concurrency && next < jobs.count {
                    let index = next, job = jobs[index]
                    group.addTask { .encoded(await encode(job, index: index)) }
                    next += 1
                    fetching += 1
                }
                let allFetched = next == jobs.count && fetching == 0
                while writing < configuration.concurrentWrites && !queue.isEmpty
                    && (queue.reduce(0) { $0 + $1.items.count } >= configuration.writeBatchSize || allFetched)
                {
                    var batch: [Item] = []
                    var indices: [Int] = []
                    while let first = queue.first, batch.isEmpty || batch.count + first.items.count <= configuration.writeBatchSize {
                        queue.removeFirst()
                        batch += first.items
                        indices.append(first.index)
                        waiting[first.index] = first
                    }
                    let store = self.store
                    group.addTask { .written(indices: indices, failures: await store.write(batch)) }
                    writing += 1
                }
                guard let step = await group.next() else { break }
                switch step {
                case .encoded(let encoded):
                    fetching -= 1
                    if encoded.items.isEmpty { finish(encoded.index, encoded.status, encoded.outcome) } else { queue.append(encoded) }
                case .written(let indices, let failures):
                    writing -= 1
                    for index in indices {
                        guard let encoded = waiting.removeValue(forKey: index) else { continue }
                        let failed = encoded.items.compactMap { Self.key(of: $0).flatMap { failures[$0] } }
                        finish(index, encoded.status, failed.isEmpty ? encoded.outcome : .failed("DynamoDB write: \(failed[0])"))
                    }
                }
            }
        }
        return results.compactMap { $0 }
    }

    /// Fetch, decide, encode and size one job (runs in a child task: CPU work in parallel).
    func encode(_ job: WarmJob, index: Int) async -> Encoded {
        switch await fetcher.fetch(job.request) {
        case .failure(let failure):
            return Encoded(index: index, status: nil, items: [], outcome: failure.refused ? .refused(failure.reason) : .failed(failure.reason))
        case .success(let response):
            let result = ItemEncoder.encode(request: job.request, key: job.key, response: response, settings: job.settings, now: now())
            switch result {
            case .uncacheable(let reason):
                return Encoded(index: index, status: response.status, items: [], outcome: .uncacheable(reason.description))
            case .item(let item):
                let size = item.sizeBytes
                if size > configuration.maxItemBytes {
                    return Encoded(index: index, status: response.status, items: [], outcome: .oversize("item of \(size) B exceeds the \(configuration.maxItemBytes) B item limit"))
                }
                let expires = item.expires?.isoformat
                if configuration.dryRun {
                    return Encoded(index: index, status: response.status, items: [], outcome: .wouldFill(keys: item.keys, itemBytes: size, expires: expires))
                }
                return Encoded(index: index, status: response.status, items: item.items, outcome: .filled(keys: item.keys, itemBytes: size, expires: expires))
            }
        }
    }

    static func key(of item: Item) -> String? {
        if case .s(let key)? = item["key"] { return key }
        return nil
    }
}
