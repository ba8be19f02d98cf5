import CacheWarmCore
import CacheWarmDynamoDB
import CacheWarmEngine
import CacheWarmHTTP

/// The engine's ports, implemented by the adapters (the adapters do not know the engine).
struct DynamoDBItemStore: CacheItemStore {
    let client: DynamoDBClient
    let table: String

    func write(_ items: [Item]) async -> [String: StoreFailure] {
        let result = await client.batchWrite(table, items: items)
        return Dictionary(result.failed.map { ($0.key, Self.failure($0.error)) }, uniquingKeysWith: { first, _ in first })
    }

    func read(keys: [String]) async -> Result<[String: StoredItemState], StoreFailure> {
        do {
            let items = try await client.batchGetItems(table, keys: keys, projection: ["key", "value.expires", "value.headers", "value.status_code"])
            return .success(items.compactMapValues(StoredItemState.init(item:)))
        } catch {
            return .failure(Self.failure(error))
        }
    }

    func revalidate(key: String, headers: [String: String], expires: Timestamp?) async -> StoreFailure? {
        do {
            try await client.updateFreshness(table, key: key, headers: headers.mapValues(AttributeValue.s), expires: expires.map { ($0.isoformat, $0.roundedEpochSeconds) })
            return nil
        } catch {
            return Self.failure(error)
        }
    }

    /// Throttling, outages and credential trouble are the store's; anything else the item's.
    static func failure(_ error: DynamoDBError) -> StoreFailure {
        StoreFailure(error.isRetryable || error.isCredentialsProblem ? .unavailable : .rejected, reason: error.description)
    }
}

extension StoredItemState {
    /// From an item read with the projection above; nil when `value` is not a map.
    init?(item: Item) {
        guard case .m(let value)? = item["value"] else { return nil }
        let expires: Timestamp? = if case .s(let text)? = value["expires"] { Timestamp(isoformat: text) } else { nil }
        var headers: [HTTPHeader] = []
        if case .m(let map)? = value["headers"] {
            headers = map.sorted { $0.key < $1.key }.compactMap { if case .s(let v) = $0.value { HTTPHeader(name: $0.key, value: v) } else { nil } }
        }
        let status: Int = if case .n(let n)? = value["status_code"] { Int(n) ?? 200 } else { 200 }
        self.init(expires: expires, headers: headers, status: status)
    }
}

/// `--dry-run`: nothing is written.
struct DiscardingItemStore: CacheItemStore {
    func write(_ items: [Item]) async -> [String: StoreFailure] { [:] }
    func read(keys: [String]) async -> Result<[String: StoredItemState], StoreFailure> { .success([:]) }
    func revalidate(key: String, headers: [String: String], expires: Timestamp?) async -> StoreFailure? { nil }
}

extension OriginFetcher: OriginFetching {
    public func fetch(_ request: ReaderRequest, extraHeaders: [HTTPHeader]) async -> Result<FetchedResponse, FetchFailure> {
        do {
            return .success(try await fetch(request, extraHeaders: extraHeaders) as FetchedResponse)
        } catch {
            let kind: FetchFailure.Kind =
                switch error.kind {
                case .refused: .refused
                case .bodyTooLarge: .tooLarge
                default: error.isRetryable ? .transient : .permanent
                }
            return .failure(FetchFailure(kind, reason: error.description))
        }
    }
}
